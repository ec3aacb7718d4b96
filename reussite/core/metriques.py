"""Prometheus metrics (issue 20), at `/metriques` behind a bearer token (METRIQUES_JETON).

Counted in the web processes: request latency and SQL queries per request, both labelled by the
*view name* (`parcours:detail`, never the URL and its ids), logins and lockouts. Under gunicorn
each worker counts in its own files of PROMETHEUS_MULTIPROC_DIR (set by gunicorn.conf.py) and a
scrape adds them up. Read at scrape time, the same on every node: Celery queue lengths (LLEN on
the broker's Redis), reminders and exports by status, reminders waiting too long.

No label ever holds personal data: view names, HTTP method and status class, statuses.
"""

import hmac
import os
import time
from contextlib import ExitStack
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import connections
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

__all__ = ["MetriquesMiddleware", "metriques"]

DUREE = Histogram(
    "reussite_requete_duree_secondes",
    "Durée de traitement des requêtes HTTP, par vue.",
    ["vue", "methode", "statut"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10, 30),
)
REQUETES_SQL = Histogram(
    "reussite_requete_sql",
    "Nombre de requêtes SQL par requête HTTP, par vue.",
    ["vue"],
    buckets=(0, 1, 2, 5, 10, 15, 20, 30, 50, 100, 200, 500),
)
CONNEXIONS = Counter("reussite_connexions", "Tentatives de connexion, par résultat.", ["resultat"])
VERROUILLAGES = Counter("reussite_verrouillages", "Verrouillages de compte (trop d’échecs).")

METHODES = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
# Views answered before URL resolution (reussite.core.sante).
VUES_PAR_CHEMIN = {"/sante/vivant": "sante_vivant", "/sante/pret": "sante_pret"}


def _vue(request) -> str:
    if request.path_info in VUES_PAR_CHEMIN:
        return VUES_PAR_CHEMIN[request.path_info]
    correspondance = getattr(request, "resolver_match", None)
    if correspondance is None:
        return "non_resolue"  # a 404 on an unknown URL: never the URL itself
    return correspondance.view_name or "sans_nom"


class MetriquesMiddleware:
    """Time each request and count its SQL queries (first in MIDDLEWARE: the whole chain)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        requetes = 0

        def compter(execute, sql, params, many, context):
            nonlocal requetes
            requetes += 1
            return execute(sql, params, many, context)

        debut = time.perf_counter()
        with ExitStack() as pile:
            for alias in connections:
                pile.enter_context(connections[alias].execute_wrapper(compter))
            reponse = self.get_response(request)
        duree = time.perf_counter() - debut
        vue = _vue(request)
        methode = request.method if request.method in METHODES else "autre"
        statut = f"{reponse.status_code // 100}xx"
        DUREE.labels(vue, methode, statut).observe(duree)
        REQUETES_SQL.labels(vue).observe(requetes)
        return reponse


# --- Logins and lockouts ------------------------------------------------------------------------


def _connexion_reussie(sender, **kwargs):
    CONNEXIONS.labels("succes").inc()


def _connexion_echouee(sender, **kwargs):
    CONNEXIONS.labels("echec").inc()


def _verrouillage(sender, **kwargs):
    VERROUILLAGES.inc()


def brancher() -> None:
    from axes.signals import user_locked_out

    user_logged_in.connect(_connexion_reussie, dispatch_uid="metriques-connexion")
    user_login_failed.connect(_connexion_echouee, dispatch_uid="metriques-echec")
    user_locked_out.connect(_verrouillage, dispatch_uid="metriques-verrouillage")


# --- Read at scrape time ------------------------------------------------------------------------


def files_celery() -> list[str]:
    """The queues tasks are sent to: Celery's default one and the exports' own, if any."""
    # The project's app, set current when reussite/__init__.py loads it; the core does not
    # import the wiring module (pyproject.toml, import-linter).
    from celery import current_app as app

    files = {app.conf.task_default_queue or "celery"}
    if settings.EXPORTS_FILE_CELERY:
        files.add(settings.EXPORTS_FILE_CELERY)
    return sorted(files)


class LuALaCollecte:
    """Gauges computed when Prometheus scrapes (database and broker), not counted in-process."""

    def collect(self):
        yield from self._files()
        yield from self._rappels()
        yield from self._exports()

    def _files(self):
        url = settings.CELERY_BROKER_URL
        if not url.startswith(("redis://", "rediss://")):
            return
        import redis

        joignable = GaugeMetricFamily(
            "reussite_courtier_joignable", "1 si le courtier (Redis) répond à la collecte."
        )
        longueurs = GaugeMetricFamily(
            "reussite_celery_file_longueur",
            "Tâches en attente dans la file Celery.",
            labels=["file"],
        )
        client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        try:
            for file in files_celery():
                longueurs.add_metric([file], client.llen(file))
        except redis.RedisError:
            joignable.add_metric([], 0)
            yield joignable
            return
        finally:
            client.close()
        joignable.add_metric([], 1)
        yield joignable
        yield longueurs

    def _rappels(self):
        from .models import Rappel, StatutRappel

        par_statut = GaugeMetricFamily(
            "reussite_rappels", "Rappels enregistrés, par statut.", labels=["statut"]
        )
        nombres = dict(Rappel.objects.values_list("statut").annotate(n=Count("id")))
        for statut in StatutRappel.values:
            par_statut.add_metric([statut], nombres.get(statut, 0))
        yield par_statut
        retard = timedelta(minutes=settings.METRIQUES_RAPPEL_RETARD_MINUTES)
        en_retard = Rappel.objects.filter(
            statut=StatutRappel.A_ENVOYER, cree_le__lt=timezone.now() - retard
        ).count()
        yield GaugeMetricFamily(
            "reussite_rappels_en_attente_trop_longtemps",
            "Rappels à envoyer créés depuis plus de METRIQUES_RAPPEL_RETARD_MINUTES.",
            value=en_retard,
        )

    def _exports(self):
        from .models import DemandeExport, StatutExport

        par_statut = GaugeMetricFamily(
            "reussite_exports", "Demandes d’export, par statut.", labels=["statut"]
        )
        nombres = dict(DemandeExport.objects.values_list("statut").annotate(n=Count("id")))
        for statut in StatutExport.values:
            par_statut.add_metric([statut], nombres.get(statut, 0))
        yield par_statut


class _Ensemble:
    def __init__(self, *sources):
        self.sources = sources

    def collect(self):
        for source in self.sources:
            yield from source.collect()


def exposition() -> bytes:
    """The text exposition: every worker's counters (multiprocess) or this process's, plus the
    gauges read now."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        comptes = multiprocess.MultiProcessCollector(None)
    else:
        comptes = REGISTRY
    registre = CollectorRegistry(auto_describe=False)
    registre.register(_Ensemble(comptes, LuALaCollecte()))
    return generate_latest(registre)


@login_not_required
def metriques(request):
    """404 unless `Authorization: Bearer <METRIQUES_JETON>` (and 404 when no token is set)."""
    jeton = settings.METRIQUES_JETON
    attendu = f"Bearer {jeton}".encode()
    recu = request.headers.get("Authorization", "").encode()
    if not jeton or not hmac.compare_digest(recu, attendu):
        raise Http404
    reponse = HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
    reponse["Cache-Control"] = "no-store"
    return reponse
