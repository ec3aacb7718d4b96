"""Forms of the conventions pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reussite.core.dates import PlageDates
from reussite.core.forms import DateInput, FormulaireDsfr, ModeleFormulaireDsfr

from ..models import Convention, NatureEngagement, PartieConvention, StatutConvention, Structure


class ConventionForm(ModeleFormulaireDsfr):
    class Meta:
        model = Convention
        fields = ["intitule", "reference", "objet", "objectifs", "date_debut", "date_fin"]
        widgets = {
            "date_debut": DateInput(),
            "date_fin": DateInput(),
            "objet": forms.Textarea(attrs={"rows": 3}),
            "objectifs": forms.Textarea(attrs={"rows": 3}),
        }


class ProgrammeChoixForm(FormulaireDsfr):
    programme = forms.ModelChoiceField(queryset=None, label=_("Programme"))

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes


class PartieForm(FormulaireDsfr):
    structure = forms.ModelChoiceField(queryset=Structure.objects.none(), label=_("Structure"))

    def __init__(self, *args, structures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures


class SignataireForm(ModeleFormulaireDsfr):
    class Meta:
        model = PartieConvention
        fields = ["signataire", "qualite_signataire", "date_signature"]
        widgets = {"date_signature": DateInput()}


class EngagementForm(FormulaireDsfr):
    annee = forms.IntegerField(label=_("Année"), min_value=1900, max_value=2200)
    nature = forms.ChoiceField(label=_("Nature"), choices=NatureEngagement.choices)
    quantite = forms.DecimalField(
        label=_("Montant (€) ou quantité"),
        max_digits=12,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={"invalid": _("Saisissez un nombre, par exemple 1500,50.")},
    )
    description = forms.CharField(label=_("Précision"), max_length=200, required=False)

    def clean_quantite(self):
        quantite = self.cleaned_data["quantite"]
        if quantite <= 0:
            raise forms.ValidationError(_("Le montant ou la quantité doit être positif."))
        return quantite


class DocumentForm(FormulaireDsfr):
    document = forms.FileField(
        label=_("Convention signée (PDF, 10 Mo au plus)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )


class SignatureForm(FormulaireDsfr):
    date_signature = forms.DateField(
        validators=[PlageDates("convention")], label=_("Date de signature"), widget=DateInput()
    )


class ResiliationForm(FormulaireDsfr):
    date_resiliation = forms.DateField(
        validators=[PlageDates("convention")], label=_("Date de résiliation"), widget=DateInput()
    )
    motif = forms.CharField(
        label=_("Motif de la résiliation"), widget=forms.Textarea(attrs={"rows": 3})
    )


class RenouvellementForm(FormulaireDsfr):
    copier_engagements = forms.BooleanField(
        label=_("Reprendre les engagements, décalés de la durée de la convention"), required=False
    )


class FiltreConventionsForm(FormulaireDsfr):
    statut = forms.ChoiceField(
        label=_("Statut"),
        choices=[("", _("Tous")), *list(StatutConvention.choices)],
        required=False,
    )
    structure = forms.ModelChoiceField(
        label=_("Partie"),
        queryset=Structure.objects.none(),
        required=False,
        empty_label=_("Toutes"),
    )
    fin_proche = forms.BooleanField(label=_("Se termine dans les 90 jours"), required=False)

    def __init__(self, *args, structures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures
