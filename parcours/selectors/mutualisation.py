"""Figures about network rows (offers, conventions) computed from the actions that use them.

`partenaires` never imports `parcours` (pyproject.toml, import-linter): the pages that show
these figures are composed here, in the higher layer (`parcours/views/reseau.py`,
`parcours/views/conventions.py`), on top of `partenaires`' own reads.
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    OuterRef,
    Prefetch,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from partenaires.models import Convention, Engagement, NatureEngagement
from partenaires.selectors import offres_catalogue

from ..models import STATUTS_ACTION_ACTIFS, Action, StatutAction

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


def offres_catalogue_avec_utilisation(user):
    """The user's catalogue (`partenaires.selectors.offres_catalogue`), each offer annotated
    with `utilise` and `restant`: the catalogue page, the offer page and the catalogue export."""
    return offres_avec_utilisation(offres_catalogue(user))


def consommation_conventions(conventions):
    """Sums of the cost and hours of the actions each convention funds, per
    (convention, structure, year of the action's start): one query, aggregates only.
    Abandoned actions consume nothing."""
    from django.db.models.functions import ExtractYear

    lignes = (
        Action.objects.filter(convention__in=conventions)
        .exclude(statut=StatutAction.ABANDONNEE)
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


def totaux_convention(convention: Convention) -> dict:
    """Committed vs consumed per party and year, and the money balance.

    Consumed money is the cost of the actions the convention funds done by that party's
    structure; consumed hours their hours (compared with staff-hour commitments)."""
    parties = list(
        convention.parties.select_related("structure").prefetch_related(
            Prefetch("engagements", queryset=Engagement.objects.order_by("annee", "nature", "pk"))
        )
    )
    consommation = consommation_conventions([convention.pk])
    annees = list(range(convention.date_debut.year, convention.date_fin.year + 1))
    zero = Decimal("0")
    lignes = []
    engage_total = zero
    consomme_total = zero
    heures_engagees_total = zero
    heures_consommees_total = zero
    par_annee = defaultdict(lambda: {"engage": zero, "consomme": zero})
    structures_parties = set()
    for partie in parties:
        structures_parties.add(partie.structure_id)
        for annee in annees:
            engagements = [e for e in partie.engagements.all() if e.annee == annee]
            engage = sum(
                (e.quantite for e in engagements if e.nature == NatureEngagement.FINANCIER), zero
            )
            heures_engagees = sum(
                (e.quantite for e in engagements if e.nature == NatureEngagement.HEURES), zero
            )
            conso = consommation.get((convention.pk, partie.structure_id, annee), {})
            consomme = conso.get("cout", zero)
            heures = conso.get("heures", zero)
            lignes.append(
                {
                    "partie": partie,
                    "annee": annee,
                    "engagements": engagements,
                    "engage": engage,
                    "consomme": consomme,
                    "solde": engage - consomme,
                    "heures_engagees": heures_engagees,
                    "heures_consommees": heures,
                }
            )
            engage_total += engage
            consomme_total += consomme
            heures_engagees_total += heures_engagees
            heures_consommees_total += heures
            par_annee[annee]["engage"] += engage
            par_annee[annee]["consomme"] += consomme
    # Actions funded by the convention but delivered by a structure that is not a party.
    hors_parties = zero
    nombre_actions = 0
    for (_c, structure_id, annee), conso in consommation.items():
        nombre_actions += conso["nombre"]
        if structure_id not in structures_parties:
            hors_parties += conso["cout"]
            consomme_total += conso["cout"]
            heures_consommees_total += conso["heures"]
            if annee in par_annee or annee in annees:
                par_annee[annee]["consomme"] += conso["cout"]
    return {
        "parties": parties,
        "lignes": lignes,
        "annees": annees,
        "par_annee": [
            {"annee": a, **par_annee[a], "solde": par_annee[a]["engage"] - par_annee[a]["consomme"]}
            for a in annees
        ],
        "engage": engage_total,
        "consomme": consomme_total,
        "solde": engage_total - consomme_total,
        "heures_engagees": heures_engagees_total,
        "heures_consommees": heures_consommees_total,
        "hors_parties": hors_parties,
        "nombre_actions": nombre_actions,
    }
