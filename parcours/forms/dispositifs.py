"""Forms of issue 21: other schemes, the family's words, the exit questionnaire. They only
validate input; the rules live in services/dispositifs.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reussite.core.dates import PlageDates
from reussite.core.forms import DateInput, FormulaireDsfr

from ..models import AideSortie, Frein, Locuteur, MomentParole, Satisfaction, TypeDispositif

__all__ = ["DispositifForm", "ParoleForm", "QuestionnaireSortieForm", "TerminerDispositifForm"]


class DispositifForm(FormulaireDsfr):
    type = forms.ChoiceField(
        label=_("Dispositif ou mesure"),
        choices=[("", "---------"), *TypeDispositif.choices],
        error_messages={"required": _("Choisissez le dispositif.")},
        help_text=_(
            "Les mesures de protection de l’enfance (AEMO, placement ASE) et de santé "
            "(CMP/CMPP, PPS) ne sont lues que par le référent et la coordination."
        ),
    )
    precision = forms.CharField(
        label=_("Précision"),
        max_length=200,
        required=False,
        help_text=_("Par exemple le lieu ou la structure. Le fait seulement, jamais le dossier."),
    )
    date_debut = forms.DateField(
        validators=[PlageDates("suivi")],
        label=_("Depuis le"),
        widget=DateInput(),
        error_messages={"required": _("Indiquez depuis quand l’enfant en bénéficie.")},
    )
    date_fin = forms.DateField(
        validators=[PlageDates("suivi")],
        label=_("Terminé le"),
        widget=DateInput(),
        required=False,
    )
    accord_contact = forms.BooleanField(
        label=_("La famille accepte que le PRE prenne contact avec ce dispositif"),
        required=False,
    )
    contact = forms.CharField(
        label=_("Contact"),
        max_length=200,
        required=False,
        help_text=_("Nom, fonction et coordonnées du professionnel."),
    )


class TerminerDispositifForm(FormulaireDsfr):
    date_fin = forms.DateField(
        validators=[PlageDates("suivi")],
        label=_("Terminé le"),
        widget=DateInput(),
        error_messages={"required": _("Indiquez la date de fin du dispositif.")},
    )


class ParoleForm(FormulaireDsfr):
    locuteur = forms.ChoiceField(
        label=_("Qui s’exprime"),
        choices=Locuteur.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Dites qui s’exprime.")},
    )
    moment = forms.ChoiceField(
        label=_("Moment"),
        choices=MomentParole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Dites à quel moment ces mots ont été dits.")},
    )
    date = forms.DateField(
        validators=[PlageDates("suivi")],
        label=_("Date de l’échange"),
        widget=DateInput(),
        error_messages={"required": _("Indiquez la date de l’échange.")},
    )
    texte = forms.CharField(
        label=_("Leurs mots"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Écrivez ce que l’enfant ou ses parents ont dit, avec leurs mots."),
        error_messages={"required": _("Écrivez les mots de la famille.")},
    )


class QuestionnaireSortieForm(FormulaireDsfr):
    date = forms.DateField(
        validators=[PlageDates("suivi")],
        label=_("Rempli le"),
        widget=DateInput(),
        error_messages={"required": _("Indiquez la date du questionnaire.")},
    )
    repondants = forms.ChoiceField(
        label=_("Qui répond"),
        choices=Locuteur.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Dites qui répond.")},
    )
    satisfaction = forms.ChoiceField(
        label=_("Dans l’ensemble, la famille est"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez le niveau de satisfaction.")},
    )
    aides = forms.MultipleChoiceField(
        label=_("Ce qui a aidé"),
        choices=AideSortie.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    aide_commentaire = forms.CharField(
        label=_("Ce qui a aidé, dans leurs mots"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    freins = forms.MultipleChoiceField(
        label=_("Ce qui n’a pas aidé"),
        choices=Frein.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    frein_commentaire = forms.CharField(
        label=_("Ce qui n’a pas aidé, dans leurs mots"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
