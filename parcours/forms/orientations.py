from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from partenaires.models import Partenariat, Professionnel, Structure, TypeStructure
from reussite.core.forms import DateInput, FormulaireDsfr, ModeleFormulaireDsfr
from reussite.core.models import Programme

from ..models import (
    GenreEchange,
    MotifOrientation,
    Orientation,
    Sexe,
    StatutOrientation,
)
from ..services.orientations import CHAMPS_DEPOT
from .base import ReferentChoiceField

__all__ = [
    "DecisionOrientationForm",
    "FiltreOrientationsForm",
    "OrientationForm",
    "ReponseOrientationForm",
    "membres_actifs",
]


def membres_actifs(user):
    """The user's active memberships of a structure that works with at least one programme."""
    return (
        Professionnel.objects.actifs()
        .filter(user=user, structure__partenariat__isnull=False)
        .select_related("structure")
        .distinct()
        .order_by("structure__nom")
    )


class _ChoixMembre(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.structure.nom


class OrientationForm(ModeleFormulaireDsfr):
    professionnel = _ChoixMembre(
        label=_("Vous orientez au nom de"), queryset=Professionnel.objects.none(), empty_label=None
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        help_text=_(
            "Laissez vide : le programme est choisi d’après la commune de l’enfant quand votre "
            "structure travaille avec plusieurs programmes."
        ),
        queryset=Programme.objects.none(),
        required=False,
    )
    motifs = forms.MultipleChoiceField(
        label=_("Motifs d’orientation"),
        choices=MotifOrientation.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins un motif d’orientation.")},
    )
    famille_informee = forms.BooleanField(
        label=_("La famille est informée de cette orientation"),
        error_messages={
            "required": _("Une orientation ne se fait pas sans que la famille en soit informée.")
        },
    )
    famille_accepte_contact = forms.BooleanField(
        label=_("La famille accepte d’être contactée par l’équipe du PRE"),
        error_messages={
            "required": _("Recueillez l’accord de la famille pour être contactée avant d’envoyer.")
        },
    )
    document = forms.FileField(
        label=_("Document joint"),
        help_text=_("PDF, JPEG ou PNG, 10 Mo au plus (bilan, courrier…)."),
        required=False,
    )
    confirmer = forms.BooleanField(
        label=_("J’ai vérifié : envoyer quand même cette orientation"), required=False
    )

    class Meta:
        model = Orientation
        fields = list(CHAMPS_DEPOT)
        widgets = {
            "date_naissance": DateInput(),
            "sexe": forms.RadioSelect,
            "deja_tente": forms.Textarea(attrs={"rows": 3}),
            "contact_telephone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "rappel_telephone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "rappel_email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        membres = membres_actifs(user)
        self.fields["professionnel"].queryset = membres
        structures = Structure.objects.filter(professionnels__in=membres)
        programmes = Programme.objects.filter(
            pk__in=Partenariat.objects.filter(structure__in=structures).values("programme_id")
        )
        self.fields["programme"].queryset = programmes
        self.fields["etablissement"].queryset = Structure.objects.filter(
            type=TypeStructure.ECOLE, programmes__in=programmes
        ).distinct()
        self.fields["sexe"].choices = Sexe.choices
        if not self.is_bound:
            self.fields["rappel_nom"].initial = user.get_full_name()
            self.fields["rappel_email"].initial = user.email

    def clean_date_naissance(self):
        valeur = self.cleaned_data["date_naissance"]
        if valeur > date.today():
            raise ValidationError(_("La date de naissance ne peut pas être dans le futur."))
        return valeur

    def donnees(self) -> dict:
        return {nom: self.cleaned_data[nom] for nom in CHAMPS_DEPOT}


class FiltreOrientationsForm(FormulaireDsfr):
    statut = forms.ChoiceField(
        label=_("Statut"),
        choices=[("", _("À traiter")), ("toutes", _("Toutes")), *StatutOrientation.choices],
        required=False,
    )


_DECISIONS = {
    GenreEchange.ETUDE: _("Mettre à l’étude"),
    GenreEchange.QUESTION: _("Demander un complément à l’orienteur"),
    GenreEchange.ACCEPTATION: _("Accepter : ouvrir le parcours en repérage"),
    GenreEchange.REORIENTATION: _("Réorienter vers un autre service"),
    GenreEchange.REFUS: _("Refuser"),
}


class DecisionOrientationForm(FormulaireDsfr):
    decision = forms.ChoiceField(
        label=_("Décision"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez une décision.")},
    )
    message = forms.CharField(
        label=_("Message à l’orienteur"),
        help_text=_("La question, ou le motif d’une réorientation ou d’un refus."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    service = forms.CharField(
        label=_("Service proposé (réorientation)"), max_length=200, required=False
    )
    referent = ReferentChoiceField(
        label=_("Référent de parcours (acceptation)"),
        queryset=Professionnel.objects.none(),
        required=False,
    )
    date_entree = forms.DateField(
        label=_("Date d’entrée (acceptation)"), widget=DateInput(), required=False
    )
    confirmer_doublon = forms.BooleanField(
        label=_("J’ai vérifié : ce n’est pas un enfant déjà suivi"), required=False
    )

    def __init__(self, *args, orientation: Orientation, **kwargs):
        super().__init__(*args, **kwargs)
        choix = [
            (cle, libelle)
            for cle, libelle in _DECISIONS.items()
            if cle != GenreEchange.ETUDE or orientation.statut == StatutOrientation.RECUE
        ]
        self.fields["decision"].choices = choix
        # At opening no consent exists: only the PRE team (structure porteuse) can be référent.
        self.fields["referent"].queryset = (
            Professionnel.objects.actifs()
            .filter(
                structure__partenariat__programme_id=orientation.programme_id,
                structure__partenariat__est_porteuse=True,
            )
            .select_related("user", "structure")
            .order_by("user__last_name", "user__first_name")
        )
        self.fields["date_entree"].initial = date.today()


class ReponseOrientationForm(FormulaireDsfr):
    texte = forms.CharField(
        label=_("Votre réponse"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
