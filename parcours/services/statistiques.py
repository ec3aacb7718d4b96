"""The yearly statistics aggregates (issue 18): recomputed per programme and calendar year by
the nightly task, read by the platform-wide statistics page and survey export."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from reussite.core.models import Programme

from ..models import ObstaclesAnnuels, StatistiqueAnnuelle
from ..selectors.sollicitations import obstacles_plateforme
from ..selectors.statistiques_agregees import chiffres_annuels

__all__ = ["annees_a_rafraichir", "obstacles_annuels_rafraichir", "statistique_annuelle_rafraichir"]


def annees_a_rafraichir(aujourdhui: date | None = None) -> list[int]:
    """The current year, and the previous one: pathways of December are still recorded in
    January (exits, late referrals), and the annual survey is filled in then."""
    aujourdhui = aujourdhui or timezone.localdate()
    return [aujourdhui.year - 1, aujourdhui.year]


@transaction.atomic
def statistique_annuelle_rafraichir(*, programme: Programme, annee: int) -> StatistiqueAnnuelle:
    """Recompute one programme's counts for one year and store them (one row per programme
    and year: the unique constraint makes a repeated or concurrent refresh an update)."""
    ligne, _cree = StatistiqueAnnuelle.objects.update_or_create(
        programme=programme,
        annee=annee,
        defaults={"chiffres": chiffres_annuels(programme, annee), "calcule_le": timezone.now()},
    )
    return ligne


@transaction.atomic
def obstacles_annuels_rafraichir(*, annee: int) -> list[ObstaclesAnnuels]:
    """Recompute the platform-wide obstacles report of one year, one row per axis (the unique
    constraint makes a repeated or concurrent refresh an update)."""
    maintenant = timezone.now()
    return [
        ObstaclesAnnuels.objects.update_or_create(
            annee=annee, axe=axe, defaults={"lignes": lignes, "calcule_le": maintenant}
        )[0]
        for axe, lignes in obstacles_plateforme(annee).items()
    ]
