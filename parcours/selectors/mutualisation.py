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
