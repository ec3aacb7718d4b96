from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partenaires.models import Professionnel, Structure, TypeStructure
from reussite.core.dates import PlageDates
from reussite.core.fichiers import type_document
from reussite.core.forms import DateInput, FormulaireDsfr, ModeleFormulaireDsfr
from reussite.core.widgets import ListeDeroulante

from ..models import (
    Enfant,
    Famille,
    Finalite,
    MotifOrientation,
    MotifSortie,
    Parcours,
    ResponsableLegal,
    Sexe,
    Statut,
    annee_scolaire,
    libelle_annee_scolaire,
)
from ..services import MOTIFS_AUTOMATIQUES, fin_annee_scolaire


def _professionnels(programmes):
    return (
        Professionnel.objects.actifs()
        .filter(structure__programmes__in=programmes)
        .select_related("user", "structure")
        .distinct()
        .order_by("user__last_name", "user__first_name")
    )


def _etablissements(programmes):
    return Structure.objects.filter(programmes__in=programmes, type=TypeStructure.ECOLE).distinct()


class _ChoixProfessionnels(forms.models.ModelChoiceIterator):
    """The options read as plain values: no model instances (a professional, their user and
    their structure) for each of the dozens of options the pathway page lists."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        lignes = self.queryset.values_list(
            "pk", "user__first_name", "user__last_name", "structure__nom"
        )
        for pk, prenom, nom, structure in lignes:
            yield (pk, _libelle_professionnel(prenom, nom, structure))


def _libelle_professionnel(prenom: str, nom: str, structure: str) -> str:
    return f"{f'{prenom} {nom.upper()}'.strip()} – {structure}"


class ReferentChoiceField(forms.ModelChoiceField):
    widget = ListeDeroulante  # a programme's professionals: dozens of options on every pathway
    iterator = _ChoixProfessionnels

    def label_from_instance(self, obj):
        return _libelle_professionnel(obj.user.first_name, obj.user.last_name, obj.structure.nom)


class EnfantForm(ModeleFormulaireDsfr):
    class Meta:
        model = Enfant
        fields = [
            "nom",
            "prenom",
            "date_naissance",
            "sexe",
            "etablissement",
            "niveau_scolaire",
            "classe",
            "quartier",
            "qpv",
        ]
        widgets = {"date_naissance": DateInput(), "sexe": forms.RadioSelect}

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["etablissement"].queryset = _etablissements(programmes)
        # A required radio list offers no empty "---------" choice.
        self.fields["sexe"].choices = Sexe.choices
        # The level is this school year's: a level recorded in an earlier one is offered moved
        # on (one level a year), for the team to confirm or correct (a repeated year).
        aujourdhui = timezone.localdate()
        aide = _("Le niveau de l’année scolaire %(annee)s.") % {
            "annee": libelle_annee_scolaire(annee_scolaire(aujourdhui))
        }
        if self.instance.pk and self.instance.niveau_a_verifier(aujourdhui):
            self.initial["niveau_scolaire"] = self.instance.niveau_actuel(aujourdhui)
            aide = _(
                "%(aide)s Noté « %(niveau)s » en %(annee)s : vérifiez le niveau de cette année."
            ) % {
                "aide": aide,
                "niveau": self.instance.get_niveau_scolaire_display(),
                "annee": self.instance.libelle_annee_niveau,
            }
        self.fields["niveau_scolaire"].help_text = aide

    def clean_date_naissance(self):
        valeur = self.cleaned_data["date_naissance"]
        if valeur > date.today():
            raise ValidationError(_("La date de naissance ne peut pas être dans le futur."))
        return valeur


class FamilleForm(ModeleFormulaireDsfr):
    class Meta:
        model = Famille
        fields = ["adresse", "commune", "langue_parlee"]


class ResponsableForm(ModeleFormulaireDsfr):
    class Meta:
        model = ResponsableLegal
        fields = ["nom", "prenom", "lien", "autorite_parentale", "telephone", "email"]

    def donnees(self) -> dict:
        """The guardian's fields only: never the formset's `id`, which the view must not trust."""
        return {nom: self.cleaned_data[nom] for nom in self.Meta.fields}


class BaseResponsableFormSet(forms.BaseModelFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        remplis = [f for f in self.forms if f.has_changed() and not self._should_delete_form(f)]
        existants = [f for f in self.forms if f.instance.pk and not self._should_delete_form(f)]
        if not remplis and not existants:
            raise ValidationError(_("Indiquez au moins un responsable légal."))


ResponsableFormSet = forms.modelformset_factory(
    ResponsableLegal,
    form=ResponsableForm,
    formset=BaseResponsableFormSet,
    extra=2,
    max_num=4,
    can_delete=False,
)
ResponsableFormSetEdition = forms.modelformset_factory(
    ResponsableLegal,
    form=ResponsableForm,
    formset=BaseResponsableFormSet,
    extra=1,
    max_num=4,
    can_delete=False,
)


class ParcoursForm(ModeleFormulaireDsfr):
    motifs_orientation = forms.MultipleChoiceField(
        label=_("Motifs d’orientation"),
        choices=MotifOrientation.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins un motif d’orientation.")},
    )
    referent = ReferentChoiceField(
        label=_("Référent de parcours"), queryset=Professionnel.objects.none(), required=False
    )

    class Meta:
        model = Parcours
        fields = [
            "orienteur",
            "orienteur_structure",
            "motifs_orientation",
            "profil_accompagnement",
            "referent",
            "date_entree",
            "date_prochaine_revue",
        ]
        widgets = {"date_entree": DateInput(), "date_prochaine_revue": DateInput()}

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referent"].queryset = _professionnels(programmes)
        self.fields["orienteur_structure"].queryset = Structure.objects.filter(
            programmes__in=programmes
        ).distinct()
        if not self.instance.pk:
            self.fields["date_entree"].initial = date.today()

    def clean(self):
        donnees = super().clean()
        entree, revue = donnees.get("date_entree"), donnees.get("date_prochaine_revue")
        if entree and revue and revue < entree:
            self.add_error(
                "date_prochaine_revue",
                _("La revue ne peut pas précéder l’entrée dans le parcours."),
            )
        return donnees


class ConfirmationForm(FormulaireDsfr):
    """Shown when the child may already exist or is outside the age range."""

    confirmer = forms.BooleanField(
        label=_("J’ai vérifié : créer quand même ce parcours"), required=False
    )


class ProgrammeForm(FormulaireDsfr):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None, empty_label=None)

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["programme"].initial = programmes.first()


class TransitionForm(FormulaireDsfr):
    statut = forms.ChoiceField(choices=Statut.choices)
    # Not required: a missing version reaches the service, which calls it a conflict.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    commentaire = forms.CharField(
        label=_("Commentaire (facultatif)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    # Suspending needs it (the confirmation page, `SuspensionForm`, says what it means).
    confirmer = forms.BooleanField(required=False)

    def clean(self):
        donnees = super().clean()
        if donnees.get("statut") == Statut.SUSPENDU and not donnees.get("confirmer"):
            # A one-click suspension from a button: it must be confirmed first.
            raise ValidationError(
                _(
                    "La suspension d’un parcours se confirme sur sa page : « Suspendre le parcours… »."
                )
            )
        return donnees


class SuspensionForm(FormulaireDsfr):
    """The confirmation page of a suspension: nothing is suspended without the box ticked."""

    commentaire = forms.CharField(
        label=_("Pourquoi suspendre ?"),
        help_text=_("Par exemple : hospitalisation, séjour hors du quartier, pause demandée."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    confirmer = forms.BooleanField(
        label=_("Je confirme la suspension du parcours"),
        error_messages={
            "required": _("Cochez la confirmation pour suspendre le parcours."),
        },
    )


class SortieForm(FormulaireDsfr):
    date_sortie = forms.DateField(
        validators=[PlageDates("sortie")],
        label=_("Date de sortie"),
        widget=DateInput(),
        initial=date.today,
    )
    motif_sortie = forms.ChoiceField(
        label=_("Motif de sortie"),
        # « Transfert » is the exit a transfer's acceptance records, « opposition » and
        # « effacement » the exits of a family's accepted request: never chosen by hand.
        choices=[
            ("", "---------"),
            *[c for c in MotifSortie.choices if c[0] not in MOTIFS_AUTOMATIQUES],
        ],
    )
    commentaire = forms.CharField(
        label=_("Commentaire (facultatif)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    # Not required: a missing version reaches the service, which calls it a conflict.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ConsentementForm(FormulaireDsfr):
    date_signature = forms.DateField(
        # Not in the future: clean() says so; before 2005: the model's PlageDates, through the
        # service's full_clean().
        label=_("Date de signature"),
        widget=DateInput(),
    )
    signataires = forms.ModelMultipleChoiceField(
        label=_("Signataires"),
        queryset=ResponsableLegal.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins un signataire.")},
    )
    structures = forms.ModelMultipleChoiceField(
        label=_("Structures avec qui la famille accepte le partage d’informations"),
        queryset=Structure.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("L’équipe du PRE n’a pas besoin d’y figurer."),
    )
    finalites = forms.MultipleChoiceField(
        label=_("Finalités acceptées"),
        choices=Finalite.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins une finalité.")},
    )
    date_expiration = forms.DateField(
        validators=[PlageDates("consentement_expiration")],
        label=_("Date d’expiration"),
        widget=DateInput(),
        help_text=_("Par défaut, la fin de l’année scolaire."),
    )
    fichier = forms.FileField(
        label=_("Formulaire signé"),
        help_text=_("PDF, JPEG ou PNG, 10 Mo au plus."),
        error_messages={"required": _("Joignez le formulaire signé (PDF, JPEG ou PNG).")},
    )

    def __init__(self, *args, parcours, precedent=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signataires"].queryset = parcours.enfant.famille.responsables.filter(
            autorite_parentale=True
        )
        self.fields["structures"].queryset = structures_partenaires(parcours.programme)
        self.fields["date_signature"].initial = date.today()
        self.fields["date_expiration"].initial = fin_annee_scolaire(date.today())
        self.fields["finalites"].initial = [f.value for f in Finalite]
        if precedent is not None:
            self.fields["structures"].initial = [s.pk for s in precedent.structures.all()]
            self.fields["signataires"].initial = [s.pk for s in precedent.signataires.all()]
            self.fields["finalites"].initial = precedent.finalites

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        type_document(fichier)
        return fichier

    def clean(self):
        donnees = super().clean()
        signature, expiration = donnees.get("date_signature"), donnees.get("date_expiration")
        if signature and signature > date.today():
            self.add_error("date_signature", _("La date de signature ne peut pas être future."))
        if signature and expiration and expiration <= signature:
            self.add_error("date_expiration", _("L’expiration doit suivre la signature."))
        return donnees


class RetraitConsentementForm(FormulaireDsfr):
    date_retrait = forms.DateField(
        validators=[PlageDates("consentement_retrait")],
        label=_("Date du retrait"),
        widget=DateInput(),
        initial=date.today,
    )
    motif_retrait = forms.CharField(
        label=_("Motif du retrait"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class IntervenantForm(FormulaireDsfr):
    professionnel = ReferentChoiceField(
        label=_("Professionnel"), queryset=Professionnel.objects.none(), empty_label=_("Choisir")
    )

    def __init__(self, *args, parcours, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["professionnel"].queryset = _professionnels([parcours.programme])


class PassationForm(FormulaireDsfr):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None, empty_label=None)
    ancien = ReferentChoiceField(label=_("Référent actuel"), queryset=Professionnel.objects.none())
    nouveau = ReferentChoiceField(
        label=_("Nouveau référent"), queryset=Professionnel.objects.none()
    )

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["ancien"].queryset = _professionnels(programmes)
        self.fields["nouveau"].queryset = _professionnels(programmes)


def structures_partenaires(programme):
    return Structure.objects.filter(
        partenariat__programme=programme, partenariat__est_porteuse=False
    ).order_by("nom")


TRANCHES_AGE = [
    ("2-5", _("2 à 5 ans")),
    ("6-10", _("6 à 10 ans")),
    ("11-16", _("11 à 16 ans")),
    ("17+", _("17 ans et plus")),
]
