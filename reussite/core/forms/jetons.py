"""The form that issues a personal API token."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..api import DUREES_JOURS
from ..models import PorteeJeton
from .base import FormulaireDsfr


class JetonForm(FormulaireDsfr):
    nom = forms.CharField(
        label=_("Nom du jeton"),
        help_text=_("Pour le reconnaître : le logiciel ou le script qui l’utilise."),
        max_length=100,
    )
    portees = forms.MultipleChoiceField(
        label=_("Autorisations"),
        help_text=_(
            "Le jeton ne donne jamais plus que vos propres droits : il ne lit que les parcours "
            "auxquels vous avez accès."
        ),
        choices=PorteeJeton.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    duree_jours = forms.TypedChoiceField(
        label=_("Durée de validité"),
        choices=[(d, _("%(jours)s jours") % {"jours": d}) for d in DUREES_JOURS],
        coerce=int,
        initial=90,
    )
