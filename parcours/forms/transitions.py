from django import forms
from django.utils.translation import gettext_lazy as _

from reussite.core.dates import PlageDates
from reussite.core.forms import DateInput, FormulaireDsfr

from ..models import ElementTransmis, TypeTransition

__all__ = ["FiltreTransitionsForm", "PassageForm"]


def _date(label, aide="", plage="suivi"):
    return forms.DateField(
        label=label,
        required=False,
        validators=[PlageDates(plage)],
        widget=DateInput(),
        help_text=aide,
    )


class PassageForm(FormulaireDsfr):
    """The checklist of one child's change of school level; each step is done once dated."""

    type = forms.ChoiceField(
        label=_("Passage à la rentrée"),
        choices=TypeTransition.choices,
        help_text=_(
            "Proposé d’après le niveau scolaire de l’enfant (ou sa date de naissance). "
            "Choisissez « Pas de changement d’école » si l’enfant reste dans son cycle."
        ),
        error_messages={"required": _("Choisissez le passage que prépare l’enfant.")},
    )
    etablissement_accueil = forms.CharField(
        label=_("Établissement d’accueil"), max_length=200, required=False
    )
    referent_accueil = forms.CharField(
        label=_("Référent de l’établissement d’accueil (nom, fonction)"),
        max_length=200,
        required=False,
    )
    contact_le = _date(_("Contact pris avec ce référent le"))
    elements_transmis = forms.MultipleChoiceField(
        label=_("Ce que la famille accepte de transmettre"),
        choices=ElementTransmis.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Jamais les notes, les ruptures ni les informations de protection."),
    )
    accord_famille_le = _date(
        _("Fiche vue avec la famille, accord donné le"),
        _("La fiche de liaison ne peut être éditée qu’après cet accord."),
    )
    fiche_remise_le = _date(_("Fiche de liaison remise à l’établissement d’accueil le"))
    reunion_le = _date(
        _("Rencontre avant l’été le"),
        _("Prévue ou tenue, au plus tard début juillet."),
        plage="rencontre",
    )


class FiltreTransitionsForm(FormulaireDsfr):
    type = forms.ChoiceField(
        label=_("Passage"),
        required=False,
        choices=[("", _("Tous les passages")), *TypeTransition.choices[:-1]],
    )
