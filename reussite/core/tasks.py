"""Reminder tasks: thin, they take ids and call `reussite.core.rappels`.

Every task states both its limits (`time_limit` and `soft_time_limit`): a task that states only
one inherits the other from CELERY_TASK_*_TIME_LIMIT, and a soft limit above the hard one makes
`apply_async` raise (the system check `reussite.E010` refuses it).
"""

import calendar
import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.utils import timezone

from . import rappels

logger = logging.getLogger(__name__)

ESSAIS = rappels.ESSAIS_MAX
CONSERVATION_ENVOIS = timedelta(days=7)
# A delivery that finds its reminder held by another one looks again after this delay.
ATTENTE_OCCUPE = 5


def _attente(essai: int) -> int:
    """Backoff for SMTP retries: 1, 2, 4, 8 minutes, always under the broker's visibility
    timeout (a longer countdown would be redelivered while still waiting)."""
    return min(60 * 2**essai, settings.CELERY_VISIBILITY_TIMEOUT // 2)


@shared_task(time_limit=600, soft_time_limit=540)
def rappels_scanner() -> dict:
    bilan = rappels.rappels_scanner()
    logger.info(
        "Reminder scan: created %s, cancelled %s, re-enqueued %s",
        bilan.crees,
        bilan.annules,
        bilan.repris,
    )
    return bilan.crees


@shared_task(time_limit=120, soft_time_limit=100)
def rappels_reprendre() -> int:
    """Immediate reminders that never left (broker down, worker lost) are enqueued again."""
    return rappels.rappels_reprendre()


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=50,
    time_limit=120,
    soft_time_limit=100,
)
def rappel_envoyer(self, rappel_id: int) -> str:
    try:
        return rappels.rappel_envoyer(rappel_id=rappel_id)
    except rappels.RappelOccupe:
        raise self.retry(countdown=ATTENTE_OCCUPE) from None
    except (OperationalError, InterfaceError) as exc:
        # PostgreSQL restarted or the session was cut, before or after the hand-off: the row is
        # `a_envoyer` or `en_cours` with its attempt counted. Retry on a new connection; past
        # max_retries, `rappels_reprendre` enqueues the row again.
        connection.close()
        logger.warning("Reminder %s: database unavailable (%s), retrying", rappel_id, exc)
        raise self.retry(countdown=_attente(min(self.request.retries, 5))) from None
    except rappels.EnvoiImpossible as exc:
        try:
            tentatives = rappels.rappel_noter_echec(
                rappel_id=rappel_id, erreur=str(exc), essais_max=ESSAIS
            )
        except (OperationalError, InterfaceError):
            connection.close()
            raise self.retry(countdown=_attente(min(self.request.retries, 5))) from None
        if tentatives >= ESSAIS:
            logger.error("Reminder %s: sending failed for good", rappel_id)
            return "échec"
        raise self.retry(countdown=_attente(tentatives)) from None


@shared_task(time_limit=300, soft_time_limit=270)
def resumes_quotidiens() -> int:
    jour = timezone.localdate()
    destinataires = rappels.destinataires_du_resume()
    for user_id in destinataires:
        resume_envoyer.delay(user_id, jour.isoformat())
    return len(destinataires)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=ESSAIS,
    time_limit=120,
    soft_time_limit=100,
)
def resume_envoyer(self, user_id: int, jour: str) -> str:
    from datetime import date

    try:
        return rappels.resume_envoyer(user_id=user_id, jour=date.fromisoformat(jour))
    except (OperationalError, InterfaceError):
        connection.close()
        raise self.retry(countdown=_attente(self.request.retries)) from None
    except rappels.EnvoiImpossible:
        raise self.retry(countdown=_attente(self.request.retries)) from None


def mois_avant(moment, mois: int):
    """The same day and time `mois` months earlier (the last day when that month is shorter)."""
    annees, rang = divmod(moment.month - 1 - mois, 12)
    annee, mois_ = moment.year + annees, rang + 1
    jour = min(moment.day, calendar.monthrange(annee, mois_)[1])
    return moment.replace(year=annee, month=mois_, day=jour)


@shared_task(time_limit=1800, soft_time_limit=1700)
def trace_purger_nuit() -> int:
    """Purge access-trail entries older than REUSSITE_JOURNAL_CONSERVATION_MOIS months, through
    the only path allowed to delete them; never under the 6-month floor it enforces."""
    from .services import RETENTION_MINIMALE_TRACE, trace_purger

    maintenant = timezone.now()
    avant = mois_avant(maintenant, settings.REUSSITE_JOURNAL_CONSERVATION_MOIS)
    # A setting under 6 months is not an error at 3 a.m.: the floor applies.
    avant = min(avant, maintenant - RETENTION_MINIMALE_TRACE)
    supprimees = trace_purger(avant=avant)
    logger.info("Access-trail purge: %s entries older than %s removed", supprimees, avant.date())
    return supprimees


# --- Exports ------------------------------------------------------------------------------------


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=1800, soft_time_limit=1700)
def export_construire(demande_id: int) -> str:
    from .exports_arriere_plan import export_construire as construire

    return construire(demande_id=demande_id)


@shared_task(time_limit=600, soft_time_limit=540)
def exports_purger() -> int:
    from .exports_arriere_plan import exports_purger as purger

    return purger()


@shared_task(time_limit=300, soft_time_limit=270)
def envois_purger() -> int:
    """Forget creation forms' one-time tokens after a week: a form older than that is sent
    again only by someone who means it (and the old page sent it once already)."""
    from .models import EnvoiFormulaire

    avant = timezone.now() - CONSERVATION_ENVOIS
    supprimes, _detail = EnvoiFormulaire.objects.filter(cree_le__lt=avant).delete()
    logger.info("Form tokens purge: %s removed", supprimes)
    return supprimes


@shared_task(
    autoretry_for=(OSError,),  # SMTP errors, refused or cut connections, timeouts
    retry_backoff=60,
    retry_backoff_max=600,
    max_retries=4,
    time_limit=60,
    soft_time_limit=50,
)
def reinitialisation_envoyer(email: str) -> int:
    """The password-reset mail, for any address typed on the form (no account: nothing sent).

    It takes the address, not an id: an unknown address has no row, and looking the account up
    during the request is the difference in work this task exists to remove."""
    from .reinitialisation import reinitialisation_envoyer as envoyer

    envoyes = envoyer(email=email)
    logger.info("Password reset: %s mail(s) sent", envoyes)  # never the address
    return envoyes
