"""Filters of the action list (`/parcours/actions/`) and its exports."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partenaires.models import Convention, Domaine, Structure
from reussite.core.forms import DateInput, FormulaireDsfr

from ..models import Action, StatutAction
from ..text import normaliser

__all__ = ["ActionFilter"]


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
