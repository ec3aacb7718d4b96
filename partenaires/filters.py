"""Filters of the offer catalogue, shared by the network catalogue and a pathway's picker."""

from datetime import date

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reussite.core.forms import FormulaireDsfr

from .models import Domaine, Offre, Structure, TypeService


class OffreFilter(django_filters.FilterSet):
    """Narrows a queryset of offers the user may already see; never widens it."""

    q = django_filters.CharFilter(label=_("Rechercher"), method="filtrer_recherche")
    domaine = django_filters.ChoiceFilter(
        label=_("Domaine"), choices=Domaine.choices, empty_label=_("Tous les domaines")
    )
    type_service = django_filters.ChoiceFilter(
        label=_("Type de service"), choices=TypeService.choices, empty_label=_("Tous")
    )
    age = django_filters.NumberFilter(
        label=_("Âge de l’enfant"), method="filtrer_age", min_value=0, max_value=25
    )
    territoire = django_filters.CharFilter(
        label=_("Territoire"), method="filtrer_territoire", help_text=_("Commune ou quartier")
    )
    structure = django_filters.ModelChoiceFilter(
        label=_("Structure"), queryset=Structure.objects.none(), empty_label=_("Toutes")
    )
    # A yes-or-nothing question: a checkbox (unchecked lists every offer), not the three-way
    # « Inconnu / Oui / Non » of a nullable boolean.
    disponible = django_filters.BooleanFilter(
        label=_("Disponibles aujourd’hui seulement"),
        method="filtrer_disponible",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Offre
        fields = ["q", "domaine", "type_service", "age", "territoire", "structure", "disponible"]
        form = FormulaireDsfr

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, queryset=queryset, **kwargs)
        # Structures offered as choices are those of the listed offers, nothing more.
        self.filters["structure"].queryset = Structure.objects.filter(
            pk__in=queryset.values("structure_id")
        ).order_by("nom")

    def filtrer_recherche(self, queryset, name, value):
        return queryset.filter(
            Q(intitule__icontains=value)
            | Q(description__icontains=value)
            | Q(structure__nom__icontains=value)
        )

    def filtrer_age(self, queryset, name, value):
        return queryset.filter(age_min__lte=value, age_max__gte=value)

    def filtrer_territoire(self, queryset, name, value):
        # An offer with no territory serves the programme's whole territory.
        return queryset.filter(Q(territoire="") | Q(territoire__icontains=value))

    def filtrer_disponible(self, queryset, name, value):
        return queryset.disponibles(date.today()) if value else queryset
