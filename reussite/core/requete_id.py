"""One id per request, in every log record it produces and in the tasks it enqueues (issue 20).

The id comes from the `X-Request-ID` header when the proxy sent a well-formed one, otherwise it
is generated; the response returns it in the same header. Celery tasks enqueued during the
request carry it in a message header (`before_task_publish`) and the worker restores it while
the task runs (`task_prerun` / `task_postrun`), so that a request and its tasks share one id.

Imported by the logging configuration: nothing here may import models.
"""

import contextvars
import logging
import re
import uuid

__all__ = ["RequeteIdFiltre", "RequeteIdMiddleware", "brancher_celery", "requete_id"]

ENTETE_HTTP = "X-Request-ID"
ENTETE_CELERY = "reussite_request_id"
# Letters, digits, dot, dash, underscore; 8 to 128 characters (UUIDs and the usual proxy ids).
FORME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,127}")

_courant: contextvars.ContextVar[str | None] = contextvars.ContextVar("requete_id", default=None)


def requete_id() -> str | None:
    return _courant.get()


def _valide(valeur: str | None) -> str | None:
    return valeur if valeur and FORME.fullmatch(valeur) else None


class RequeteIdFiltre(logging.Filter):
    """Put `request_id` on every record (None outside a request or a task)."""

    def filter(self, record):
        record.request_id = _courant.get()
        return True


class RequeteIdMiddleware:
    """First in MIDDLEWARE: every record of the request, the health probes' included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ident = _valide(request.headers.get(ENTETE_HTTP)) or uuid.uuid4().hex
        jeton = _courant.set(ident)
        try:
            reponse = self.get_response(request)
        finally:
            _courant.reset(jeton)
        reponse[ENTETE_HTTP] = ident
        return reponse


def _publier(headers=None, **kwargs):
    ident = _courant.get()
    if ident and headers is not None:
        headers.setdefault(ENTETE_CELERY, ident)


def _avant_tache(task=None, **kwargs):
    if task is None or task.request.is_eager:
        return  # run in the caller's thread: its id is already there
    ident = _valide(getattr(task.request, ENTETE_CELERY, None))
    task.request.requete_id_jeton = _courant.set(ident)


def _apres_tache(task=None, **kwargs):
    jeton = getattr(task.request, "requete_id_jeton", None) if task is not None else None
    if jeton is not None:
        _courant.reset(jeton)
        task.request.requete_id_jeton = None


def brancher_celery() -> None:
    from celery.signals import before_task_publish, task_postrun, task_prerun

    before_task_publish.connect(_publier, dispatch_uid="requete-id-publier", weak=False)
    task_prerun.connect(_avant_tache, dispatch_uid="requete-id-avant", weak=False)
    task_postrun.connect(_apres_tache, dispatch_uid="requete-id-apres", weak=False)
