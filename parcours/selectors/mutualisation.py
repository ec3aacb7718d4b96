"""Figures about network rows (offers, conventions) computed from the actions that use them.

`partenaires` asks for them through its hooks (it never imports `parcours`).
"""

from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from ..models import STATUTS_ACTION_ACTIFS, Action

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=12, decimal_places=1))


def offres_avec_utilisation(offres):
    """Annotate each offer with `utilise` (places taken by planned or ongoing actions, or the
    hours they book) and `restant` (None when the capacity is unlimited). One subquery per
    figure: the cost follows the offers listed, not the number of actions."""
    actives = Action.objects.filter(offre=OuterRef("pk"), statut__in=STATUTS_ACTION_ACTIFS)
    places = Subquery(
        actives.order_by().values("offre").annotate(n=Count("pk")).values("n")[:1],
        output_field=DecimalField(max_digits=12, decimal_places=1),
    )
    heures = Subquery(
        actives.order_by().values("offre").annotate(h=Sum("heures")).values("h")[:1],
        output_field=DecimalField(max_digits=12, decimal_places=1),
    )
    return offres.annotate(
        utilise=Case(
            When(unite_capacite="heures", then=Coalesce(heures, ZERO)),
            default=Coalesce(places, ZERO),
            output_field=DecimalField(max_digits=12, decimal_places=1),
        )
    ).annotate(
        restant=Case(
            When(capacite__isnull=True, then=Value(None)),
            default=F("capacite") - F("utilise"),
            output_field=DecimalField(max_digits=12, decimal_places=1),
        )
    )


def consommation_conventions(conventions):
    """Sums of the cost and hours of the actions each convention funds, per
    (convention, structure, year of the action's start): one query, aggregates only.
    Abandoned actions consume nothing."""
    from django.db.models.functions import ExtractYear

    lignes = (
        Action.objects.filter(convention__in=conventions)
        .exclude(statut="abandonnee")
        .order_by()
        .values("convention_id", "structure_id")
        .annotate(annee=ExtractYear("date_debut"))
        .values("convention_id", "structure_id", "annee")
        .annotate(cout=Sum("cout"), heures=Sum("heures"), nombre=Count("pk"))
    )
    return {
        (ligne["convention_id"], ligne["structure_id"], ligne["annee"]): {
            "cout": ligne["cout"] or Decimal("0"),
            "heures": ligne["heures"] or Decimal("0"),
            "nombre": ligne["nombre"],
        }
        for ligne in lignes
    }
