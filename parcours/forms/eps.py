from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partenaires.models import Domaine, Professionnel
from reussite.core.dates import PlageDates
from reussite.core.forms import DateInput, FormulaireDsfr, choix_soumis

from ..models import Decision
from ..services import professionnels_invitables

__all__ = [
    "ActionOuverteFormSet",
    "AjoutOrdreDuJourForm",
    "ConfirmationOrdreDuJourForm",
    "DecisionForm",
    "ObjectifOuvertFormSet",
    "PlanificationForm",
    "PresencesForm",
]


class DateHeureInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class ProfessionnelChoix(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.user.get_full_name()} – {obj.libelle_fonction}, {obj.structure.nom}"


class PlanificationForm(FormulaireDsfr):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None, empty_label=None)
    date = forms.DateTimeField(
        label=_("Date et heure"),
        widget=DateHeureInput(),
        input_formats=["%Y-%m-%dT%H:%M"],
        error_messages={"invalid": _("Saisissez une date et une heure valides.")},
    )
    lieu = forms.CharField(label=_("Lieu"), max_length=200)
    invites = ProfessionnelChoix(
        label=_("Professionnels invités"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Chacun reçoit une invitation, puis un rappel la veille."),
    )

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        programme = None
        if self.is_bound:
            # Validated like the field itself: the invitees depend on it.
            programme = choix_soumis(programmes, self.data.get(self.add_prefix("programme")))
        programme = programme or programmes.first()
        self.fields["invites"].queryset = (
            professionnels_invitables(programme) if programme else Professionnel.objects.none()
        )

    def clean_date(self):
        valeur = self.cleaned_data["date"]
        if valeur < timezone.now():
            raise forms.ValidationError(_("La réunion ne peut pas être planifiée dans le passé."))
        return valeur


class ParcoursChoix(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.enfant.nom} {obj.enfant.prenom}"


class AjoutOrdreDuJourForm(FormulaireDsfr):
    parcours = ParcoursChoix(label=_("Ajouter un parcours à l’ordre du jour"), queryset=None)

    def __init__(self, *args, candidats, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parcours"].queryset = candidats


class ConfirmationOrdreDuJourForm(FormulaireDsfr):
    """The coordinator ticks, among the proposed pathways, those that go on the agenda."""

    parcours = forms.ModelMultipleChoiceField(
        label=_("Parcours proposés"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Cochez au moins un parcours à inscrire à l’ordre du jour."),
            "invalid_choice": _("Ce parcours n’est plus proposé pour cette réunion."),
            "invalid_pk_value": _("Ce parcours n’est plus proposé pour cette réunion."),
        },
    )

    def __init__(self, *args, proposes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parcours"].queryset = proposes


class DecisionSelect(forms.RadioSelect):
    """Each decision with its effect on this pathway (`effets_decision`), read before the
    decision is recorded."""

    option_template_name = "parcours/eps/_option_decision.html"

    def __init__(self, *args, effets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.effets = effets or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["effet"] = self.effets.get(value)
        return option


class PresencesForm(FormulaireDsfr):
    presents = forms.MultipleChoiceField(
        label=_("Présents"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, invitations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presents"].choices = [
            (str(i.pk), f"{i.professionnel.user.get_full_name()} – {i.professionnel.structure.nom}")
            for i in invitations
        ]
        self.fields["presents"].initial = [str(i.pk) for i in invitations if i.present]


class DecisionForm(FormulaireDsfr):
    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=Decision.choices,
        widget=DecisionSelect,
        # django-dsfr picks a field's snippet by its widget's class name: a radio group still.
        template_name="dsfr/form_field_snippets/radioselect_snippet.html",
    )
    releve_conclusions = forms.CharField(
        label=_("Relevé de conclusions"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Lu par les partenaires qui suivent ce parcours : n’y écrivez rien de confidentiel."
        ),
    )
    date_prochaine_revue = forms.DateField(
        validators=[PlageDates("revue")],
        label=_("Prochaine revue"),
        widget=DateInput(),
        required=False,
        help_text=_(
            "Laissée vide : le délai entre deux revues du programme, pour « objectifs revus » "
            "et « maintien ». Sans objet pour une réorientation ou une sortie."
        ),
    )

    def __init__(self, *args, effets=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The fields are copied per form: this form's widget only.
        self.fields["decision"].widget.effets = effets or {}


class ObjectifOuvertForm(FormulaireDsfr):
    domaine = forms.ChoiceField(
        label=_("Domaine"),
        choices=[("", _("Choisir un domaine")), *Domaine.choices],
        required=False,
    )
    intitule = forms.CharField(label=_("Objectif"), max_length=300, required=False)

    def clean(self):
        donnees = super().clean()
        if bool(donnees.get("domaine")) != bool(donnees.get("intitule")):
            raise forms.ValidationError(_("Indiquez le domaine et l’intitulé de l’objectif."))
        return donnees


ObjectifOuvertFormSet = forms.formset_factory(ObjectifOuvertForm, extra=2, max_num=5)


class StructureChoix(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.nom


class ActionOuverteForm(FormulaireDsfr):
    intitule = forms.CharField(label=_("Action"), max_length=200, required=False)
    structure = StructureChoix(label=_("Structure qui la réalise"), queryset=None, required=False)
    date_debut = forms.DateField(
        validators=[PlageDates("action")], label=_("Début"), widget=DateInput(), required=False
    )

    def __init__(self, *args, structures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures

    def clean(self):
        donnees = super().clean()
        remplis = [bool(donnees.get(nom)) for nom in ("intitule", "structure", "date_debut")]
        if any(remplis) and not all(remplis):
            raise forms.ValidationError(
                _("Indiquez l’intitulé, la structure et la date de début de l’action.")
            )
        return donnees


ActionOuverteFormSet = forms.formset_factory(ActionOuverteForm, extra=1, max_num=5)
