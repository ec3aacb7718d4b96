"""Once per event, with real workers (DOMAIN.md rule 6; ARCHITECTURE.md, "Reminders").

- an in-process worker (`start_worker`) receives the same task message twice: one email;
- a real `celery worker` process whose pool child is killed (SIGKILL) before the SMTP hand-off:
  the message is redelivered and one email leaves;
- killed after the hand-off and before the mark: the redelivery sends a second copy with the
  same Message-ID — the only window where a copy can exist twice;
- its database session cut (`pg_terminate_backend`) while the email leaves: the task retries on
  a new connection, the reminder is sent, every copy with the row's Message-ID.
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
from reussite.devtools.services import start_redis
from tests.factories.core import coordinateur
from tests.factories.parcours import ParcoursFactory
from tests.support.formulaires import jeton

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "trace"])

RACINE = Path(__file__).resolve().parents[2]
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


@pytest.mark.lent
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


APPLICATION_WORKER = "reussite-worker-de-test"


def _lancer_worker(tmp_path, courtier: str):
    """A `celery worker` process (prefork, one child) on a queue of its own."""
    file = f"rappels-test-{uuid.uuid4().hex[:8]}"
    courriels = tmp_path / "courriels"
    courriels.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "reussite.settings.test",
        "DATABASE_URL": _url_base_de_test(),
        # Its PostgreSQL sessions carry this name, so that a test can cut them.
        "PGAPPNAME": APPLICATION_WORKER,
        "CELERY_BROKER_URL": courtier,
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

    def arreter():
        processus.terminate()
        try:
            processus.wait(20)
        except subprocess.TimeoutExpired:
            processus.kill()
        journal.close()

    return file, courriels, arreter


@pytest.fixture
def travailleur(tmp_path):
    file, courriels, arreter = _lancer_worker(tmp_path, _courtier())
    try:
        yield file, courriels
    finally:
        arreter()


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


@pytest.mark.lent
def test_un_worker_tue_avant_l_envoi_est_relivre_et_envoie_une_fois(travailleur):
    file, courriels = travailleur
    rappel = _rappel()

    _tuer_pendant_l_envoi(file, courriels, "avant", rappel)

    assert _envoyes(courriels) == [rappel.message_id]


@pytest.mark.lent
def test_un_worker_tue_apres_la_remise_smtp_renvoie_avec_le_meme_message_id(travailleur):
    """The one window where a second copy exists: both copies carry the row's Message-ID, so a
    receiving server keeps one."""
    file, courriels = travailleur
    rappel = _rappel()

    _tuer_pendant_l_envoi(file, courriels, "apres", rappel)

    assert _envoyes(courriels) == [rappel.message_id, rappel.message_id]


def _couper_les_sessions_du_worker() -> int:
    with connection.cursor() as curseur:
        curseur.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = %s",
            [APPLICATION_WORKER],
        )
        return curseur.fetchone()[0]


@pytest.mark.lent
@pytest.mark.parametrize("moment", ["avant", "apres"])
def test_une_session_postgresql_coupee_pendant_l_envoi_ne_perd_pas_le_rappel(travailleur, moment):
    """Cut before or after the SMTP hand-off: the claim is committed, no transaction is open
    while the email leaves, the mark fails on the dead session and the task retries."""
    file, courriels = travailleur
    rappel = _rappel()
    drapeau = courriels / f"attendre-{moment}"
    drapeau.touch()
    rappel_envoyer.apply_async(args=[rappel.pk], queue=file)
    _attendre(
        lambda: (courriels / f"en-attente-{moment}").exists(), "the worker never reached the send"
    )
    pendant = Rappel.objects.get(pk=rappel.pk)
    assert (pendant.statut, pendant.tentatives) == (StatutRappel.EN_COURS, 1)
    # Nothing is locked meanwhile, and the worker has no transaction open.
    with connection.cursor() as curseur:
        curseur.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s "
            "AND state LIKE 'idle in transaction%%'",
            [APPLICATION_WORKER],
        )
        assert curseur.fetchone()[0] == 0
    assert _couper_les_sessions_du_worker() >= 1
    drapeau.unlink()

    _attendre(
        lambda: Rappel.objects.get(pk=rappel.pk).statut == StatutRappel.ENVOYE,
        "the reminder was lost when the worker's database session was cut",
    )
    envoyes = _envoyes(courriels)
    assert envoyes, "no email left"
    # The email left on the first attempt (the send needs no database), the mark failed, the
    # retry sent it again: the window between claim and mark, with the same Message-ID.
    assert envoyes == [rappel.message_id, rappel.message_id]
    assert Rappel.objects.get(pk=rappel.pk).tentatives == 2


def _envoyer_et_attendre(rappel: Rappel, file: str, courtier: str) -> None:
    with app.connection_for_write(courtier) as liaison:
        rappel_envoyer.apply_async(args=[rappel.pk], queue=file, connection=liaison)
    _attendre(
        lambda: Rappel.objects.get(pk=rappel.pk).statut == StatutRappel.ENVOYE,
        f"reminder {rappel.pk} was not sent",
    )


@pytest.mark.lent
def test_le_worker_reprend_seul_apres_un_redemarrage_de_redis_et_de_postgresql(tmp_path):
    redis = start_redis()
    try:
        file, courriels, arreter = _lancer_worker(tmp_path, redis.url)
        try:
            _envoyer_et_attendre(_rappel(), file, redis.url)

            # Redis restarts on the same port; PostgreSQL drops the worker's sessions.
            redis.stop()
            time.sleep(1)
            redis = start_redis(port=redis.port)
            _couper_les_sessions_du_worker()
            apres = _rappel()
            _envoyer_et_attendre(apres, file, redis.url)
        finally:
            arreter()
    finally:
        redis.stop()
    assert apres.message_id in _envoyes(courriels)
    assert len(_envoyes(courriels)) == 2


@pytest.mark.django_db(databases=["default", "trace"])
def test_un_courtier_injoignable_ne_fait_pas_echouer_la_requete_et_rien_n_est_perdu(
    monkeypatch, django_capture_on_commit_callbacks
):
    """The assignment commits; its immediate reminder waits in the database, and the periodic
    pick-up enqueues it once the broker is back."""
    from django.test import Client
    from django.urls import reverse

    from reussite.core import rappels
    from reussite.devtools.services import free_port
    from tests.conftest import connecter
    from tests.factories.partage import consentement, partenaire, pre, professionnel

    equipe = pre(nom="PRE Courtier")
    structure = partenaire(equipe.programme)
    parcours = ParcoursFactory(programme=equipe.programme, statut=Statut.EN_COURS)
    consentement(parcours, structures=[structure], auteur=equipe.coordinateur)
    nouveau = professionnel(structure, user__frequence_courriels=FrequenceCourriels.IMMEDIAT)

    monkeypatch.setattr(app.conf, "broker_url", f"redis://127.0.0.1:{free_port()}/0")
    # A fresh connection and producer pool for the dead URL; the originals come back after.
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    client = connecter(Client(), equipe.coordinateur)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(
            reverse("parcours:intervenant_ajouter", args=[parcours.pk]),
            {"jeton": jeton(), "intervenant-professionnel": nouveau.pk},
        )

    assert reponse.status_code == 302
    rappel = Rappel.objects.get(genre="affectation", destinataire=nouveau.user)
    assert rappel.statut == StatutRappel.A_ENVOYER
    Rappel.objects.filter(pk=rappel.pk).update(
        cree_le=rappel.cree_le - rappels.DELAI_REPRISE - timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks() as en_file:
        assert rappels.rappels_reprendre() == 1
    assert len(en_file) == 1
