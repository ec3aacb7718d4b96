"""Reads on conventions: who may see them and the list. Committed vs consumed totals need the
actions that consume a convention: `parcours.selectors.mutualisation.totaux_convention`."""

from datetime import date, timedelta

from django.db.models import Prefetch

from ..access import peut_voir_conventions, programmes_des_conventions
from ..models import Convention, PartieConvention, StatutConvention, Structure

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
            date_fin__gte=aujourdhui,
            date_fin__lte=limite,
            statut__in=[StatutConvention.SIGNEE, StatutConvention.EN_VIGUEUR],
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
            convention.statut in (StatutConvention.SIGNEE, StatutConvention.EN_VIGUEUR)
            and aujourdhui <= convention.date_fin <= limite
        )
    return resultat


def structures_du_programme(programme):
    from ..models import Structure

    return Structure.objects.filter(programmes=programme).order_by("nom")


CLE_SESSION = "nav_conventions"


def noter_acces_conventions(sender, request, user, **kwargs):
    """At login, remember in the session whether the header shows « Conventions », so that
    pages pay no query for it (refreshed each time the list is opened)."""
    if request is not None and hasattr(request, "session"):
        request.session[CLE_SESSION] = peut_voir_conventions(user)
