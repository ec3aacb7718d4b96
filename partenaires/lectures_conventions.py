"""Reads on conventions: who may see or edit them, the list, and committed vs consumed totals."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Prefetch

from .access import peut_voir_conventions, programmes_des_conventions
from .hooks import demander
from .models import Convention, Engagement, NatureEngagement, PartieConvention, Structure

JOURS_ALERTE = 90


def conventions_filtrees(user, *, statut="", structure=None, fin_proche=False, aujourdhui=None):
    """The conventions list's queryset: the user's programmes, narrowed by the filters."""
    aujourdhui = aujourdhui or date.today()
    limite = aujourdhui + timedelta(days=JOURS_ALERTE)
    conventions = (
        Convention.objects.filter(programme__in=programmes_des_conventions(user))
        .select_related("programme")
        .prefetch_related(
            Prefetch("parties", queryset=PartieConvention.objects.select_related("structure"))
        )
        .order_by("date_fin", "pk")
    )
    if statut:
        conventions = conventions.filter(statut=statut)
    if structure:
        conventions = conventions.filter(parties__structure=structure).distinct()
    if fin_proche:
        conventions = conventions.filter(
            date_fin__gte=aujourdhui, date_fin__lte=limite, statut__in=["signee", "en_vigueur"]
        )
    return conventions


def structures_filtrables(user):
    """The structures the conventions filter offers: those of the user's programmes."""
    return (
        Structure.objects.filter(programmes__in=programmes_des_conventions(user))
        .distinct()
        .order_by("nom")
    )


def conventions_liste(user, *, statut="", structure=None, fin_proche=False, aujourdhui=None):
    aujourdhui = aujourdhui or date.today()
    limite = aujourdhui + timedelta(days=JOURS_ALERTE)
    resultat = list(
        conventions_filtrees(
            user, statut=statut, structure=structure, fin_proche=fin_proche, aujourdhui=aujourdhui
        )
    )
    for convention in resultat:
        convention.fin_proche = (
            convention.statut in ("signee", "en_vigueur")
            and aujourdhui <= convention.date_fin <= limite
        )
    return resultat


def totaux_convention(convention: Convention) -> dict:
    """Committed vs consumed per party and year, and the money balance.

    Consumed money is the cost of the actions the convention funds done by that party's
    structure; consumed hours their hours (compared with staff-hour commitments)."""
    parties = list(
        convention.parties.select_related("structure").prefetch_related(
            Prefetch("engagements", queryset=Engagement.objects.order_by("annee", "nature", "pk"))
        )
    )
    consommation = demander("consommation_conventions", [convention.pk])
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


def structures_du_programme(programme):
    from .models import Structure

    return Structure.objects.filter(programmes=programme).order_by("nom")


CLE_SESSION = "nav_conventions"


def noter_acces_conventions(sender, request, user, **kwargs):
    """At login, remember in the session whether the header shows « Conventions », so that
    pages pay no query for it (refreshed each time the list is opened)."""
    if request is not None and hasattr(request, "session"):
        request.session[CLE_SESSION] = peut_voir_conventions(user)
