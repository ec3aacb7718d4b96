"""Every periodic task can be sent and runs, with the real settings and a real worker.

A task that states `time_limit` alone inherits CELERY_TASK_SOFT_TIME_LIMIT: when that is above
its own hard limit, `apply_async` raises ValueError at every beat tick (`rappels_reprendre` did),
and when it is below, the task is silently cut early (`exports_purger`, `resumes_quotidiens`).
"""

import time
import uuid

import pytest
from celery import shared_task
from celery.contrib.testing.worker import start_worker
from celery.signals import before_task_publish, task_failure, task_success
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from reussite.celery import app
from reussite.core.checks import verifier_limites_des_taches

pytestmark = pytest.mark.django_db(transaction=True)


def _limites_declarees(tache) -> tuple[int, int]:
    """The limits written on the task itself, before the globals fill the gaps."""
    classe = type(tache)
    return classe.__dict__.get("soft_time_limit"), classe.__dict__.get("time_limit")


@pytest.mark.lent
def test_chaque_entree_du_calendrier_part_et_s_execute_sur_un_vrai_worker():
    app.loader.import_default_modules()
    entrees = settings.CELERY_BEAT_SCHEDULE
    assert entrees, "the beat schedule is empty"
    file = f"calendrier-test-{uuid.uuid4().hex[:8]}"
    publies: dict[str, tuple] = {}
    reussies: list[str] = []
    echecs: list[tuple[str, str]] = []

    def publie(sender=None, headers=None, **kwargs):
        publies[sender] = tuple(headers.get("timelimit") or ())

    def reussie(sender=None, **kwargs):
        reussies.append(sender.name)

    def echouee(sender=None, exception=None, **kwargs):
        echecs.append((sender.name, repr(exception)))

    before_task_publish.connect(publie)
    task_success.connect(reussie)
    task_failure.connect(echouee)
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=30, queues=[file]
        ):
            for nom, entree in entrees.items():
                tache = app.tasks[entree["task"]]
                # Exactly what beat does: the real settings, the entry's arguments.
                tache.apply_async(
                    args=entree.get("args", ()),
                    kwargs=entree.get("kwargs", {}),
                    queue=file,
                    **{k: v for k, v in entree.get("options", {}).items() if k != "queue"},
                )
                assert entree["task"] in publies, nom
            limite = time.monotonic() + 120
            attendues = {e["task"] for e in entrees.values()}
            while time.monotonic() < limite and not attendues <= set(reussies) | {
                n for n, _e in echecs
            }:
                time.sleep(0.2)
    finally:
        before_task_publish.disconnect(publie)
        task_success.disconnect(reussie)
        task_failure.disconnect(echouee)

    assert echecs == []
    assert set(reussies) >= attendues
    for nom_tache, (dure, souple) in publies.items():  # the header is (hard, soft)
        # Each task states both limits, and they are the ones the message carries.
        assert (souple, dure) == _limites_declarees(app.tasks[nom_tache]), nom_tache
        assert souple < dure, nom_tache


def test_toutes_les_taches_declarent_leurs_deux_limites():
    app.loader.import_default_modules()
    nos_taches = [
        t for n, t in app.tasks.items() if n.startswith(("reussite.", "parcours.", "partenaires."))
    ]
    assert len(nos_taches) >= 9
    for tache in nos_taches:
        souple, dure = _limites_declarees(tache)
        assert souple and dure and souple < dure, tache.name


def test_la_verification_refuse_une_tache_dont_les_limites_se_contredisent():
    assert verifier_limites_des_taches(None) == []

    @shared_task(name="tests.tache_mal_limitee", time_limit=60)
    def tache_mal_limitee():  # inherits the global soft limit (240 s) above its 60 s
        return None

    try:
        erreurs = verifier_limites_des_taches(None)
        assert [e.id for e in erreurs] == ["reussite.E010"]
        assert erreurs[0].obj == "tests.tache_mal_limitee"
        with pytest.raises(SystemCheckError, match=r"tests\.tache_mal_limitee"):
            call_command("check")
    finally:
        app.tasks.pop("tests.tache_mal_limitee", None)
