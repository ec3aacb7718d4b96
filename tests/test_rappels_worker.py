"""Once per event, with real workers (DOMAIN.md rule 6; ARCHITECTURE.md, "Reminders").

- an in-process worker (`start_worker`) receives the same task message twice: one email;
- a real `celery worker` process whose pool child is killed (SIGKILL) before the SMTP hand-off:
  the message is redelivered and one email leaves;
- killed after the hand-off and before the mark: the redelivery sends a second copy with the
  same Message-ID — the only window where a copy can exist twice.
"""

import email
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection

from parcours.models import Parcours, Statut
from reussite.celery import app
from reussite.core.models import FrequenceCourriels, Rappel, StatutRappel
from reussite.core.tasks import rappel_envoyer
from tests.factories.core import coordinateur
from tests.factories.parcours import ParcoursFactory

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "journal"])

RACINE = Path(__file__).resolve().parent.parent
ATTENTE = 60


def _rappel() -> Rappel:
    parcours = ParcoursFactory(
        statut=Statut.EN_COURS, date_prochaine_revue=date.today() + timedelta(days=3)
    )
    destinataire = coordinateur(parcours.programme, frequence_courriels=FrequenceCourriels.IMMEDIAT)
    return Rappel.objects.create(
        genre="revue_proche",
        destinataire=destinataire,
        content_type=ContentType.objects.get_for_model(Parcours),
        object_id=parcours.pk,
        programme_id=parcours.programme_id,
        echeance=parcours.date_prochaine_revue,
    )


def _attendre(condition, message: str):
    limite = time.monotonic() + ATTENTE
    while time.monotonic() < limite:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(message)


def test_le_meme_message_livre_deux_fois_n_envoie_qu_un_courriel():
    rappel = _rappel()
    identifiant = str(uuid.uuid4())
    file = f"rappels-test-{identifiant[:8]}"
    executions = []

    def compter(sender=None, task_id=None, **kwargs):
        if task_id == identifiant:
            executions.append(task_id)

    task_postrun.connect(compter)
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[file]
        ):
            for _fois in range(2):
                rappel_envoyer.apply_async(args=[rappel.pk], task_id=identifiant, queue=file)
            _attendre(lambda: len(executions) >= 2, "the worker did not run both deliveries")
    finally:
        task_postrun.disconnect(compter)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == Rappel.objects.get(pk=rappel.pk).message_id


# --- A real worker process, killed mid-send -------------------------------------------------


def _courtier() -> str:
    url = settings.CELERY_BROKER_URL
    if url.startswith("memory://"):
        pytest.skip("needs a broker shared between processes (make test starts Redis)")
    return url


def _url_base_de_test() -> str:
    """The URL of this test process's database, for the worker process."""
    reglages = connection.settings_dict
    utilisateur = reglages["USER"] + (f":{reglages['PASSWORD']}" if reglages["PASSWORD"] else "")
    hote, port = reglages["HOST"] or "localhost", reglages["PORT"] or "5432"
    if hote.startswith("/"):  # a unix socket directory
        return f"postgres://{utilisateur}@/{reglages['NAME']}?host={hote}&port={port}"
    return f"postgres://{utilisateur}@{hote}:{port}/{reglages['NAME']}"


@pytest.fixture
def travailleur(tmp_path):
    """A `celery worker` process (prefork, one child) on a queue of its own."""
    file = f"rappels-test-{uuid.uuid4().hex[:8]}"
    courriels = tmp_path / "courriels"
    courriels.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "reussite.settings.test",
        "DATABASE_URL": _url_base_de_test(),
        "CELERY_BROKER_URL": _courtier(),
        "CELERY_VISIBILITY_TIMEOUT": "10",
        "EMAIL_BACKEND": "tests.support.courriel.CourrielEnFichiers",
        "COURRIELS_DIR": str(courriels),
    }
    journal = (tmp_path / "worker.log").open("w")
    processus = subprocess.Popen(  # noqa: S603 - a fixed command line
        [
            sys.executable,
            *("-m", "celery", "-A", "reussite", "worker", "--pool", "prefork"),
            *("--concurrency", "1", "--queues", file, "--loglevel", "INFO"),
            *("--without-gossip", "--without-mingle", "--without-heartbeat"),
        ],
        cwd=RACINE,
        env=env,
        stdout=journal,
        stderr=subprocess.STDOUT,
    )
    try:
        yield file, courriels
    finally:
        processus.terminate()
        try:
            processus.wait(20)
        except subprocess.TimeoutExpired:
            processus.kill()
        journal.close()


def _envoyes(courriels: Path) -> list[str]:
    return [
        email.message_from_bytes(f.read_bytes())["Message-ID"]
        for f in sorted(courriels.glob("*.eml"))
    ]


def _tuer_pendant_l_envoi(file: str, courriels: Path, moment: str, rappel: Rappel) -> None:
    (courriels / f"bloquer-{moment}").touch()
    rappel_envoyer.apply_async(args=[rappel.pk], queue=file)
    _attendre(lambda: (courriels / "pid").exists(), "the worker never reached the send")
    os.kill(int((courriels / "pid").read_text()), signal.SIGKILL)
    _attendre(
        lambda: Rappel.objects.get(pk=rappel.pk).statut == StatutRappel.ENVOYE,
        "the reminder was not sent after the worker was killed",
    )


def test_un_worker_tue_avant_l_envoi_est_relivre_et_envoie_une_fois(travailleur):
    file, courriels = travailleur
    rappel = _rappel()

    _tuer_pendant_l_envoi(file, courriels, "avant", rappel)

    assert _envoyes(courriels) == [rappel.message_id]


def test_un_worker_tue_apres_la_remise_smtp_renvoie_avec_le_meme_message_id(travailleur):
    """The one window where a second copy exists: both copies carry the row's Message-ID, so a
    receiving server keeps one."""
    file, courriels = travailleur
    rappel = _rappel()

    _tuer_pendant_l_envoi(file, courriels, "apres", rappel)

    assert _envoyes(courriels) == [rappel.message_id, rappel.message_id]
