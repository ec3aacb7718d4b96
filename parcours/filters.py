"""The FilterSets of the parcours app's lists: the pathways (`/parcours/`, its exports and the
API), the pathways at risk, the actions (`/parcours/actions/` and its exports). They only
narrow a queryset that already holds what the user may see (`visibles_par`)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partenaires.models import Convention, Domaine, Professionnel, Structure
from reussite.core.forms import DateInput, FormulaireDsfr

from .forms.base import TRANCHES_AGE, ReferentChoiceField
from .models import Action, Parcours, Statut, StatutAction
from .text import normaliser


class ActionFilter(django_filters.FilterSet):
    """Narrows a queryset of actions the user may already see; never widens it."""

    q = django_filters.CharFilter(label=_("Rechercher"), method="filtrer_recherche")
    statut = django_filters.ChoiceFilter(
        label=_("Statut"), choices=StatutAction.choices, empty_label=_("Tous les statuts")
    )
    domaine = django_filters.ChoiceFilter(
        label=_("Domaine de l’objectif"),
        field_name="objectif__domaine",
        choices=Domaine.choices,
        empty_label=_("Tous les domaines"),
    )
    structure = django_filters.ModelChoiceFilter(
        label=_("Structure"), queryset=Structure.objects.none(), empty_label=_("Toutes")
    )
    convention = django_filters.ModelChoiceFilter(
        label=_("Convention"), queryset=Convention.objects.none(), empty_label=_("Toutes")
    )
    debut_apres = django_filters.DateFilter(
        label=_("Début à partir du"),
        field_name="date_debut",
        lookup_expr="gte",
        widget=DateInput(),
    )
    debut_avant = django_filters.DateFilter(
        label=_("Début jusqu’au"),
        field_name="date_debut",
        lookup_expr="lte",
        widget=DateInput(),
    )

    class Meta:
        model = Action
        fields = ["q", "statut", "domaine", "structure", "convention", "debut_apres", "debut_avant"]
        form = FormulaireDsfr

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, queryset=queryset, **kwargs)
        # Choices come from the listed actions only: filters never reveal anything more.
        self.filters["structure"].queryset = Structure.objects.filter(
            pk__in=queryset.values("structure_id")
        ).order_by("nom")
        self.filters["convention"].queryset = Convention.objects.filter(
            pk__in=queryset.values("convention_id")
        ).order_by("intitule")

    def filtrer_recherche(self, queryset, name, value):
        condition = Q(intitule__icontains=value)
        mots = normaliser(value).split()
        if mots:
            enfant = Q()
            for mot in mots:
                enfant &= Q(parcours__enfant__recherche__contains=mot)
            condition |= enfant
        return queryset.filter(condition)


# --- Pathways ---------------------------------------------------------------------------------


class ReferentFilter(django_filters.ModelChoiceFilter):
    field_class = ReferentChoiceField


class TriParcours(django_filters.OrderingFilter):
    """Ties are broken by the child's name, then the row, so that pages never overlap."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if not value:
            return qs
        return qs.order_by(*qs.query.order_by, "enfant__nom", "enfant__prenom", "pk")


class ParcoursFilter(django_filters.FilterSet):
    """Filters on a list that is already limited to what the user may see: they only narrow it."""

    q = django_filters.CharFilter(label=_("Rechercher un enfant"), method="filtrer_recherche")
    statut = django_filters.ChoiceFilter(
        label=_("Statut"), choices=Statut.choices, empty_label=_("Tous les statuts")
    )
    referent = ReferentFilter(
        label=_("Référent"), queryset=Professionnel.objects.none(), empty_label=_("Tous")
    )
    etablissement = django_filters.ModelChoiceFilter(
        label=_("École"),
        field_name="enfant__etablissement",
        queryset=Structure.objects.none(),
        empty_label=_("Toutes"),
    )
    tranche_age = django_filters.ChoiceFilter(
        label=_("Âge"), choices=TRANCHES_AGE, method="filtrer_age", empty_label=_("Tous âges")
    )
    qpv = django_filters.ChoiceFilter(
        label=_("Quartier prioritaire"),
        choices=[("true", _("QPV")), ("false", _("Hors QPV"))],
        empty_label=_("Indifférent"),
        method="filtrer_qpv",
    )
    tri = TriParcours(
        label=_("Trier par"),
        fields=[
            ("enfant__nom", "nom"),
            ("date_entree", "entree"),
            ("date_prochaine_revue", "revue"),
            ("statut", "statut"),
        ],
        # django-filter looks an ascending label up by model field, a descending one by
        # parameter: keyed otherwise, the ascending options fell back to « Entree », « Revue ».
        field_labels={
            "enfant__nom": _("Nom de famille (A → Z)"),
            "-nom": _("Nom de famille (Z → A)"),
            "date_entree": _("Date d’entrée (plus ancienne)"),
            "-entree": _("Date d’entrée (plus récente)"),
            "date_prochaine_revue": _("Prochaine revue (plus proche)"),
            "-revue": _("Prochaine revue (plus lointaine)"),
            "statut": _("Statut (ordre alphabétique)"),
            "-statut": _("Statut (ordre alphabétique inverse)"),
        },
        empty_label=_("Par défaut (nom de famille)"),
    )

    class Meta:
        model = Parcours
        fields = ["q", "statut", "referent", "etablissement", "tranche_age", "qpv"]
        form = FormulaireDsfr

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, queryset=queryset, **kwargs)
        # Choices come from the pathways the user may see, and from nothing else: a partner's
        # filters never reveal the rest of the programme's directory.
        self.filters["referent"].queryset = (
            Professionnel.objects.filter(pk__in=queryset.values("referent_id"))
            .select_related("user", "structure")
            .order_by("user__last_name", "user__first_name")
        )
        self.filters["etablissement"].queryset = Structure.objects.filter(
            pk__in=queryset.values("enfant__etablissement_id")
        ).order_by("nom")

    def filtrer_recherche(self, queryset, name, value):
        return queryset.recherche(value)

    def filtrer_qpv(self, queryset, name, value):
        return queryset.filter(enfant__qpv=value == "true")

    def filtrer_age(self, queryset, name, value):
        return queryset.tranche_age(value)


# --- Pathways at risk -------------------------------------------------------------------------

# Each reason is a boolean annotation of `parcours_a_risque` (its `NOMS_MOTIFS`).
MOTIFS_A_RISQUE = [
    ("inactif", _("Sans activité depuis le délai du programme")),
    ("rupture_sans_reponse", _("Rupture sans réponse décidée")),
    ("action_en_retard", _("Action terminée sans résultat")),
    ("revue_depassee", _("Revue en EPS en retard")),
    ("transition_sans_plan", _("À risque de rupture : changement d’école sans plan")),
]

# Sort keys of the list, each with tie-breakers so that pages never overlap; the first is the
# default order of `parcours_a_risque` (family name, as every list of children).
TRIS_A_RISQUE = {
    "nom": ("enfant__nom", "enfant__prenom", "pk"),
    "-nom": ("-enfant__nom", "-enfant__prenom", "-pk"),
    "activite": ("derniere_activite", "enfant__nom", "pk"),
    "-activite": ("-derniere_activite", "enfant__nom", "pk"),
    "revue": ("date_prochaine_revue", "enfant__nom", "pk"),
}


class ParcoursARisqueFilter(django_filters.FilterSet):
    """Narrows the pathways of `motifs_a_risque(user)` (`parcours_parmi`, read by their keys);
    the reasons are `motifs`, the choices come from its rows and nothing else."""

    motif = django_filters.ChoiceFilter(
        label=_("Motif"), choices=MOTIFS_A_RISQUE, method="filtrer_motif", empty_label=_("Tous")
    )
    referent = ReferentFilter(
        label=_("Référent"), queryset=Professionnel.objects.none(), empty_label=_("Tous")
    )
    etablissement = django_filters.ModelChoiceFilter(
        label=_("École"),
        field_name="enfant__etablissement",
        queryset=Structure.objects.none(),
        empty_label=_("Toutes"),
    )
    tranche_age = django_filters.ChoiceFilter(
        label=_("Âge"), choices=TRANCHES_AGE, method="filtrer_age", empty_label=_("Tous âges")
    )
    tri = django_filters.ChoiceFilter(
        label=_("Trier par"),
        choices=[
            ("nom", _("Nom de famille (A → Z)")),
            ("-nom", _("Nom de famille (Z → A)")),
            ("activite", _("Dernière activité (la plus ancienne d’abord)")),
            ("-activite", _("Dernière activité (la plus récente d’abord)")),
            ("revue", _("Date de revue (la plus ancienne d’abord)")),
        ],
        method="trier",
        empty_label=None,
    )

    class Meta:
        model = Parcours
        fields = ["motif", "referent", "etablissement", "tranche_age", "tri"]
        form = FormulaireDsfr

    def __init__(self, *args, queryset, motifs: dict[int, dict[str, bool]], **kwargs):
        super().__init__(*args, queryset=queryset, **kwargs)
        self.motifs = motifs
        # `= ANY(ARRAY(…))` rather than `IN`: the planner cannot size the list of pathways
        # and hash-joined every professional, user and structure of the platform to it
        # (20,000 each at national scale, issue 18); here it reads the few referents and
        # schools of the list through their primary keys.
        lignes = queryset.order_by()
        self.filters["referent"].queryset = (
            Professionnel.objects.filter(pk__dans_tableau=lignes.values("referent_id"))
            .select_related("user", "structure")
            .order_by("user__last_name", "user__first_name")
        )
        self.filters["etablissement"].queryset = Structure.objects.filter(
            pk__dans_tableau=lignes.values("enfant__etablissement_id")
        ).order_by("nom")

    def filtrer_motif(self, queryset, name, value):
        return queryset.filter(pk__dans_tableau=[pk for pk, m in self.motifs.items() if m[value]])

    def filtrer_age(self, queryset, name, value):
        return queryset.tranche_age(value)

    def trier(self, queryset, name, value):
        return queryset.order_by(*TRIS_A_RISQUE[value])
