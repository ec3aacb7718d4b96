from datetime import date

from celery import shared_task
from django.db import transaction

from .models import Parcours, ParcoursUserObjectPermission
from .permissions import parcours_permissions_recalculer


@shared_task(time_limit=3600, soft_time_limit=3300)
def permissions_recalculer_nuit(tout: bool = False) -> int:
    """Keep the derived permission rows true as time passes.

    Reads already ignore expired rows (`expire_le`); this removes them and recomputes the
    pathways they belong to. With `tout=True`, every pathway is recomputed (after a rule change).
    """
    if tout:
        identifiants = Parcours.objects.values_list("pk", flat=True)
    else:
        identifiants = (
            ParcoursUserObjectPermission.objects.filter(expire_le__lte=date.today())
            .values_list("content_object_id", flat=True)
            .distinct()
        )
    nombre = 0
    for pk in identifiants.iterator(chunk_size=500):
        with transaction.atomic():
            parcours = Parcours.objects.select_for_update(of=("self",)).filter(pk=pk).first()
            if parcours is None:
                continue
            parcours_permissions_recalculer(parcours=parcours)
            nombre += 1
    return nombre


@shared_task(time_limit=3600, soft_time_limit=3300)
def statistiques_rafraichir_nuit(annees: list[int] | None = None) -> int:
    """Refresh the yearly statistics of every programme (the platform-wide page adds them up),
    then the platform-wide obstacles report of each year.

    One transaction per programme and year, so that a long run never holds locks for long and
    a failure keeps what was done; the page shows the date of its oldest row."""
    from reussite.core.models import Programme

    from .services.statistiques import (
        annees_a_rafraichir,
        obstacles_annuels_rafraichir,
        statistique_annuelle_rafraichir,
    )

    annees = annees or annees_a_rafraichir()
    nombre = 0
    for programme in Programme.objects.order_by("pk").iterator(chunk_size=100):
        for annee in annees:
            statistique_annuelle_rafraichir(programme=programme, annee=annee)
            nombre += 1
    # The platform-wide obstacles report: one pass over the country's requests per year.
    for annee in annees:
        obstacles_annuels_rafraichir(annee=annee)
    return nombre


@shared_task(time_limit=3600, soft_time_limit=3300)
def parcours_anonymiser_nuit() -> int:
    """Anonymise the children whose retention period has ended (DOMAIN.md, rule 5)."""
    from .services.protection import enfants_anonymiser

    return enfants_anonymiser().enfants


@shared_task(time_limit=1800, soft_time_limit=1700)
def import_parcours_appliquer(import_id: int) -> str:
    """Confirm a large caseload import (over SEUIL_ARRIERE_PLAN rows) in the background: all
    rows in one transaction or none. Safe to deliver twice (the import's row is locked and
    its status checked)."""
    from .services.imports import import_appliquer

    return import_appliquer(import_id=import_id).statut
