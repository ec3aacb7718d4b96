"""Forms of the directory and the offer catalogue."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reussite.core.forms import DateInput, FormulaireDsfr, ModeleFormulaireDsfr
from reussite.core.models import Programme

from ..models import Fonction, Offre, Structure, TypeStructure
from ..services import CHAMPS_OFFRE


class AnnuaireFiltre(FormulaireDsfr):
    q = forms.CharField(label=_("Nom ou commune"), required=False)
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Tous les types")), *TypeStructure.choices]
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        required=False,
        queryset=Programme.objects.none(),
        empty_label=_("Tous mes programmes"),
    )
    charte = forms.ChoiceField(
        label=_("Charte"),
        required=False,
        choices=[("", _("Indifférent")), ("oui", _("Signée")), ("non", _("Non signée"))],
    )

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes.order_by("nom")


class InvitationForm(FormulaireDsfr):
    prenom = forms.CharField(label=_("Prénom"), max_length=150)
    nom = forms.CharField(label=_("Nom"), max_length=150)
    email = forms.EmailField(label=_("Adresse électronique"))
    fonction = forms.ChoiceField(label=_("Fonction"), choices=Fonction.choices)


class OffreForm(ModeleFormulaireDsfr):
    structure = forms.ModelChoiceField(label=_("Structure"), queryset=Structure.objects.none())
    programmes = forms.ModelMultipleChoiceField(
        label=_("Publiée pour les programmes"),
        queryset=Programme.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Parmi les programmes avec lesquels la structure travaille."),
    )

    class Meta:
        model = Offre
        fields = ["structure", *CHAMPS_OFFRE, "programmes"]
        widgets = {"disponible_du": DateInput(), "disponible_au": DateInput()}

    def __init__(self, *args, structures, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["structure"]
        else:
            self.fields["structure"].queryset = structures.order_by("nom")
        self.fields["programmes"].queryset = programmes.order_by("nom")
        for champ in ("age_min", "age_max"):
            self.fields[champ].widget.attrs.update(min=0, max=25)

    def _post_clean(self):
        # Validation belongs to the service (French messages, locking); skip model validation.
        pass
