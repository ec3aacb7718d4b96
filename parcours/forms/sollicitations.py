"""Forms of the requests to partners (issue 21)."""

from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from partenaires.models import Structure
from reussite.core.forms import DateInput, FormulaireDsfr

from ..models import MotifRefus, StatutObjectif, StatutSollicitation
from .base import ReferentChoiceField, _professionnels

__all__ = [
    "SollicitationActionForm",
    "SollicitationForm",
    "SollicitationReorienterForm",
    "SollicitationReponseForm",
]


class SollicitationForm(FormulaireDsfr):
    objectif = forms.ModelChoiceField(label=_("Objectif concerné"), queryset=None)
    structure = forms.ModelChoiceField(
        label=_("Structure sollicitée"),
        queryset=None,
        help_text=_("Une structure du réseau du programme."),
    )
    professionnel = ReferentChoiceField(
        label=_("Professionnel sollicité (facultatif)"),
        queryset=None,
        required=False,
        help_text=_("Sans professionnel nommé, tout membre actif de la structure peut répondre."),
    )
    demande = forms.CharField(
        label=_("Ce qui est demandé"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Ce que la structure pourrait faire, sans nommer l’enfant ni sa famille."),
    )
    motif = forms.CharField(
        label=_("Pourquoi"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Le besoin en quelques mots, sans détail confidentiel."),
    )
    echeance = forms.DateField(label=_("Réponse souhaitée avant le"), widget=DateInput())

    def __init__(self, *args, parcours, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objectif"].queryset = parcours.objectifs.filter(statut=StatutObjectif.OUVERT)
        self.fields["structure"].queryset = Structure.objects.filter(
            programmes=parcours.programme_id
        ).order_by("nom")
        self.fields["professionnel"].queryset = _professionnels([parcours.programme_id])
        if not self.is_bound:
            self.fields["echeance"].initial = date.today() + timedelta(days=15)

    def clean_echeance(self):
        echeance = self.cleaned_data["echeance"]
        if echeance < date.today():
            raise forms.ValidationError(_("L’échéance ne peut pas être dans le passé."))
        return echeance

    def clean(self):
        donnees = super().clean()
        structure, pro = donnees.get("structure"), donnees.get("professionnel")
        if structure is not None and pro is not None and pro.structure_id != structure.pk:
            self.add_error(
                "professionnel", _("Ce professionnel ne travaille pas dans cette structure.")
            )
        return donnees


class SollicitationReponseForm(FormulaireDsfr):
    statut = forms.ChoiceField(
        label=_("Votre réponse"),
        widget=forms.RadioSelect,
        choices=[
            (StatutSollicitation.ACCEPTEE, _("Acceptée")),
            (StatutSollicitation.ATTENTE, _("Liste d’attente")),
            (StatutSollicitation.REFUSEE, _("Refusée")),
            (StatutSollicitation.REDIRIGEE, _("Réorientée vers une autre structure")),
        ],
    )
    date_rdv = forms.DateField(
        label=_("Si acceptée : date de début ou du rendez-vous"),
        required=False,
        widget=DateInput(),
    )
    delai_semaines = forms.IntegerField(
        label=_("Si liste d’attente : délai estimé (en semaines)"),
        required=False,
        min_value=1,
        max_value=104,
    )
    motif_refus = forms.ChoiceField(
        label=_("Si refusée : motif"),
        required=False,
        choices=[("", "—"), *MotifRefus.choices],
    )
    structure_conseillee = forms.ModelChoiceField(
        label=_("Si réorientée : structure conseillée"),
        queryset=Structure.objects.none(),
        required=False,
        help_text=_(
            "Une structure du réseau du programme : l’équipe du parcours pourra lui transmettre "
            "la demande en une étape."
        ),
        error_messages={
            "invalid_choice": _("Cette structure ne fait pas partie du réseau de ce programme.")
        },
    )
    commentaire_reponse = forms.CharField(
        label=_("Précision"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, sollicitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure_conseillee"].queryset = (
            Structure.objects.filter(programmes=sollicitation.programme_id)
            .exclude(pk=sollicitation.structure_id)
            .order_by("nom")
        )


class SollicitationReorienterForm(FormulaireDsfr):
    """The team sends a redirected request to the suggested structure: a new deadline."""

    echeance = forms.DateField(label=_("Réponse souhaitée avant le"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["echeance"].initial = date.today() + timedelta(days=15)

    def clean_echeance(self):
        echeance = self.cleaned_data["echeance"]
        if echeance < date.today():
            raise forms.ValidationError(_("L’échéance ne peut pas être dans le passé."))
        return echeance


class SollicitationActionForm(FormulaireDsfr):
    """One step from an accepted request to an action: the consent confirmation, when needed."""

    confirmer_consentement = forms.BooleanField(
        label=_("Je confirme : l’action se fait sans partage d’information avec cette structure"),
        required=False,
    )
