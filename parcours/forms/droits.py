"""Forms of the rights requests register (issue 19)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reussite.core.dates import PlageDates
from reussite.core.forms import DateInput, FormulaireDsfr

from ..models import CanalDemande, GenreDemande, Parcours, StatutDemande

__all__ = ["DemandeDroitForm", "ReponseDemandeForm"]


class _SuivieParMixin:
    def _suivie_par(self, personnes):
        self.fields["suivie_par"] = forms.ModelChoiceField(
            label=_("Suivie par"),
            queryset=personnes,
            required=False,
            help_text=_("La personne de la coordination ou le délégué qui traite la demande."),
        )


class DemandeDroitForm(_SuivieParMixin, FormulaireDsfr):
    genre = forms.ChoiceField(
        label=_("Droit exercé"),
        choices=[("", "---------"), *GenreDemande.choices],
        error_messages={"required": _("Choisissez le droit que la famille exerce.")},
    )
    demandeur = forms.CharField(
        label=_("Qui fait la demande"),
        max_length=200,
        help_text=_("Sa qualité (la mère, le père, le tuteur…), pas le nom de l’enfant."),
        error_messages={"required": _("Indiquez qui fait la demande.")},
    )
    canal = forms.ChoiceField(
        label=_("Reçue par"),
        choices=[("", "---------"), *CanalDemande.choices],
        error_messages={"required": _("Indiquez comment la demande est arrivée.")},
    )
    recue_le = forms.DateField(
        label=_("Reçue le"),
        widget=DateInput(),
        validators=[PlageDates("suivi")],
        help_text=_("Le délai légal d’un mois court à partir de cette date."),
        error_messages={"required": _("Indiquez la date de réception de la demande.")},
    )
    numero_parcours = forms.IntegerField(
        label=_("Numéro du parcours concerné (facultatif)"),
        required=False,
        min_value=1,
        help_text=_("Le numéro affiché sur la fiche du parcours ; vide si la famille n’en a pas."),
    )
    objet = forms.CharField(
        label=_("Ce qui est demandé (facultatif)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("En quelques mots, sans détail sur la situation de l’enfant."),
    )

    def __init__(self, *args, programme, personnes, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self._suivie_par(personnes)

    def clean_numero_parcours(self):
        numero = self.cleaned_data.get("numero_parcours")
        if numero is None:
            return None
        parcours = Parcours.objects.filter(programme=self.programme, pk=numero).first()
        if parcours is None:
            raise forms.ValidationError(_("Aucun parcours de ce programme ne porte ce numéro."))
        return parcours


class ReponseDemandeForm(_SuivieParMixin, FormulaireDsfr):
    statut = forms.ChoiceField(label=_("Statut"), choices=StatutDemande.choices)
    prolongee = forms.BooleanField(
        label=_("Prolonger le délai de deux mois"),
        required=False,
        help_text=_(
            "Possible pour une demande complexe ou des demandes nombreuses, en informant la "
            "famille du motif avant la fin du premier mois (article 12.3 du RGPD)."
        ),
    )
    motif_prolongation = forms.CharField(
        label=_("Motif de la prolongation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reponse = forms.CharField(
        label=_("Réponse apportée"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    repondue_le = forms.DateField(
        label=_("Réponse envoyée le"),
        required=False,
        widget=DateInput(),
        validators=[PlageDates("suivi")],
    )
    preuve = forms.CharField(
        label=_("Preuve de la réponse"),
        required=False,
        max_length=300,
        help_text=_("Par exemple : recommandé n° 1A 234 567 8901 2, courriel du 12/03 à 10 h."),
    )

    def __init__(self, *args, demande, personnes, **kwargs):
        initial = {
            "statut": demande.statut,
            "prolongee": demande.prolongee,
            "motif_prolongation": demande.motif_prolongation,
            "reponse": demande.reponse,
            "repondue_le": demande.repondue_le,
            "preuve": demande.preuve,
            "suivie_par": demande.suivie_par_id,
        }
        super().__init__(*args, initial=initial, **kwargs)
        self._suivie_par(personnes)
