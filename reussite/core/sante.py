"""Health endpoints for load balancers and orchestrators (issue 20).

- `/sante/vivant`: the process answers (liveness);
- `/sante/pret`: the databases, the broker and every file storage are reachable and every
  migration is applied (readiness); 503 otherwise.

Both answer a one-word body and nothing else (no version, host or error text: the reason is
logged). A load balancer probes a node by its address, with whatever Host header it likes, over
plain HTTP: `SanteMiddleware` stands before everything else and answers these two paths itself,
so neither ALLOWED_HOSTS (`request.get_host()` is never called), the HTTPS redirect, the session,
the login, the second factor nor the charter ever see them. The URL patterns exist for `reverse`
and the access sweep; the views are the same.
"""

import logging
import uuid

from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connections, models
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse

__all__ = ["CHEMINS", "SanteMiddleware", "pret", "vivant"]

logger = logging.getLogger(__name__)

# Seconds a probe waits for the broker.
DELAI_COURTIER = 3


def _reponse(statut: int, texte: str) -> HttpResponse:
    reponse = HttpResponse(texte, status=statut, content_type="text/plain; charset=utf-8")
    reponse["Cache-Control"] = "no-store"
    reponse["X-Content-Type-Options"] = "nosniff"
    return reponse


@login_not_required
def vivant(request):
    return _reponse(200, "ok")


@login_not_required
def pret(request):
    indisponibles = [nom for nom, verifier in VERIFICATIONS if not _reussit(nom, verifier)]
    if indisponibles:
        return _reponse(503, "indisponible")
    return _reponse(200, "pret")


def _reussit(nom: str, verifier) -> bool:
    try:
        return verifier()
    except Exception as exc:
        # The exception's class only: its text may name hosts or paths.
        logger.warning("Readiness: %s unavailable (%s)", nom, type(exc).__name__)
        return False


def _bases() -> bool:
    for alias in connections:
        with connections[alias].cursor() as curseur:
            curseur.execute("SELECT 1")
    return True


_migrations_appliquees = False


def _migrations() -> bool:
    """No migration left to apply (remembered once true: the code of a process does not change)."""
    global _migrations_appliquees
    if not _migrations_appliquees:
        executor = MigrationExecutor(connections["default"])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            logger.warning("Readiness: %s migration(s) not applied", len(plan))
            return False
        _migrations_appliquees = True
    return True


def _courtier() -> bool:
    # The project's app (reussite/__init__.py loads it before any request), without importing
    # the wiring module from the core: the layers forbid it (pyproject.toml, import-linter).
    from celery import current_app as app

    # The URL of the settings the worker reads too (CELERY_BROKER_URL), with its options.
    with app.connection_for_write(settings.CELERY_BROKER_URL) as connexion:
        connexion.ensure_connection(
            max_retries=1, interval_start=0, interval_step=0, timeout=DELAI_COURTIER
        )
    return True


def stockages_du_projet() -> list:
    """Every storage files are written to: the named ones of STORAGES (static files aside) and
    those of the models' file fields (exports, scans), each once."""
    trouves = [storages[nom] for nom in settings.STORAGES if nom != "staticfiles"]
    for modele in apps.get_models():
        for champ in modele._meta.get_fields():
            if isinstance(champ, models.FileField):
                trouves.append(champ.storage)
    uniques = {}
    for stockage in trouves:
        cle = (
            stockage.__class__,  # a LazyObject (default_storage) gives its wrapped class
            str(getattr(stockage, "location", "")),
            getattr(stockage, "bucket_name", None),
        )
        uniques.setdefault(cle, stockage)
    return list(uniques.values())


def _stockages() -> bool:
    """Write then delete a small object in each storage: reachable *and* writable."""
    for stockage in stockages_du_projet():
        nom = stockage.save(f"sante/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
        stockage.delete(nom)
    return True


VERIFICATIONS = [
    ("database", _bases),
    ("migrations", _migrations),
    ("broker", _courtier),
    ("storage", _stockages),
]

CHEMINS = {"/sante/vivant": vivant, "/sante/pret": pret}


class SanteMiddleware:
    """Answer the health paths before any other middleware (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        vue = CHEMINS.get(request.path_info)
        if vue is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            reponse = _reponse(405, "")
            reponse["Allow"] = "GET, HEAD"
            return reponse
        return vue(request)
