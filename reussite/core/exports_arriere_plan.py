"""Large list exports, built by a Celery task (ARCHITECTURE.md, "Writes").

The request records a `DemandeExport` (who, which list, which filters) and enqueues its id after
commit. The task re-reads the row under lock, replays the list for the requester (so the file
never holds more than they may see when it is built), writes it row by row to a temporary file
while stamping its progress, then moves it under a random name into the private storage. A
periodic task deletes expired files.
"""

from __future__ import annotations

import logging
import secrets
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from .exports import genre_export
from .models import DemandeExport, StatutExport
from .stockage import ERREURS_STOCKAGE

logger = logging.getLogger(__name__)


@transaction.atomic
def demande_export_creer(*, demandeur, genre: str, format: str, filtres: str) -> DemandeExport:
    """Record the request and enqueue its build once the transaction commits."""
    from .tasks import export_construire

    genre_ = genre_export(genre)
    if genre_ is None or format not in genre_.formats:
        raise ValidationError(_("Cet export n’existe pas."))
    demande = DemandeExport(demandeur=demandeur, genre=genre, format=format, filtres=filtres)
    demande.full_clean()
    demande.save()
    file = settings.EXPORTS_FILE_CELERY
    transaction.on_commit(
        lambda: export_construire.apply_async(
            args=[demande.pk], **({"queue": file} if file else {})
        )
    )
    return demande


def _progression(demande_id: int):
    def noter(n: int) -> None:
        # Autocommit: each stamp is visible at once to the page that polls.
        DemandeExport.objects.filter(pk=demande_id).update(lignes_faites=n)

    return noter


def export_construire(*, demande_id: int) -> str:
    """Build the file of one request. Safe to run twice: a finished, failed or expired request
    is left alone; one found running (its worker died) is built again from the start."""
    with transaction.atomic():
        demande = (
            DemandeExport.objects.select_for_update(of=("self",))
            .select_related("demandeur")
            .filter(pk=demande_id)
            .first()
        )
        if demande is None or not demande.en_cours:
            return "rien"
        demande.statut = StatutExport.EN_COURS
        demande.lignes_faites = 0
        demande.save(update_fields=["statut", "lignes_faites"])
    genre = genre_export(demande.genre)
    try:
        if genre is None or not demande.demandeur.is_active:
            raise Http404
        tableau = genre.construire(demande.demandeur, QueryDict(demande.filtres))
        total = tableau.compter()
        DemandeExport.objects.filter(pk=demande.pk).update(lignes_total=total)
        with tempfile.TemporaryFile() as sortie:
            genre.ecrire_fichier(tableau, demande.format, sortie, _progression(demande.pk))
            sortie.seek(0)
            # A random name: nothing in it says whose data it holds.
            nom = f"{secrets.token_urlsafe(24)}.{demande.format}"
            demande.fichier.save(nom, File(sortie), save=False)
    except Http404:
        return _echouer(demande, _("Vous n’avez plus accès à cette liste."))
    except Exception:
        logger.exception("Export %s failed", demande.pk)
        return _echouer(demande, _("L’export n’a pas pu être préparé. Réessayez plus tard."))
    maintenant = timezone.now()
    DemandeExport.objects.filter(pk=demande.pk).update(
        statut=StatutExport.TERMINE,
        fichier=demande.fichier.name,
        lignes_faites=total,
        termine_le=maintenant,
        expire_le=maintenant + timedelta(days=settings.EXPORTS_DUREE_JOURS),
    )
    return StatutExport.TERMINE


def _echouer(demande: DemandeExport, message: str) -> str:
    DemandeExport.objects.filter(pk=demande.pk).update(
        statut=StatutExport.ECHEC, erreur=message, termine_le=timezone.now()
    )
    return StatutExport.ECHEC


def exports_purger(*, maintenant=None) -> int:
    """Delete the files of expired exports and mark them expired; close as failed the requests
    still waiting or running long after any task could have built them (a lost message, a
    worker killed twice), so that their page stops polling. Twice is harmless."""
    maintenant = maintenant or timezone.now()
    abandon = maintenant - timedelta(hours=settings.EXPORTS_ABANDON_HEURES)
    n = DemandeExport.objects.filter(
        statut__in=(StatutExport.EN_ATTENTE, StatutExport.EN_COURS), cree_le__lte=abandon
    ).update(
        statut=StatutExport.ECHEC,
        erreur=_("L’export n’a pas abouti. Relancez-le depuis la liste."),
        termine_le=maintenant,
    )
    expirees = DemandeExport.objects.filter(
        statut=StatutExport.TERMINE, expire_le__lte=maintenant
    ).order_by("pk")
    for demande in expirees.iterator(chunk_size=200):
        if demande.fichier:
            try:
                demande.fichier.delete(save=False)
            except ERREURS_STOCKAGE:
                # Left as it is (the download view already refuses it): the next run retries.
                logger.exception("Export %s: the expired file could not be deleted", demande.pk)
                continue
        DemandeExport.objects.filter(pk=demande.pk).update(statut=StatutExport.EXPIRE, fichier="")
        n += 1
    return n
