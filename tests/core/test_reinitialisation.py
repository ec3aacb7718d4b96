"""Password reset (issue 15, point 8): the request does the same work whether the address has an
account or not — it enqueues one task after commit and sends nothing — and the task, run by a real
worker with the real settings, sends the link to an existing account only.

No timing test: the mechanism is what makes both answers alike."""

import re
import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import before_task_publish, task_postrun
from django.core import mail
from django.test import Client
from django.urls import reverse

from reussite.celery import app
from reussite.core.tasks import reinitialisation_envoyer
from tests.factories.core import UserFactory

TACHE = "reussite.core.tasks.reinitialisation_envoyer"
ATTENTE = 60


@pytest.fixture
def file_de_test(monkeypatch):
    """The task goes to a queue of its own: what a test publishes, only its worker consumes, and
    the queue is deleted afterwards."""
    nom = f"reinitialisation-test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr(reinitialisation_envoyer, "queue", nom, raising=False)
    # Celery caches a task's routing options at its first publication.
    monkeypatch.setattr(reinitialisation_envoyer, "_exec_options", None)
    yield nom
    with app.connection_for_write() as connexion:
        connexion.default_channel.queue_delete(nom)


@pytest.fixture
def publications():
    publiees = []

    def noter(sender=None, body=None, routing_key=None, **kwargs):
        args = body[0] if isinstance(body, tuple) else body.get("args")
        publiees.append((sender, list(args), routing_key))

    before_task_publish.connect(noter)
    yield publiees
    before_task_publish.disconnect(noter)


@pytest.mark.django_db
def test_la_demande_met_la_meme_tache_en_file_apres_commit_compte_ou_pas(
    client, file_de_test, publications, django_capture_on_commit_callbacks
):
    user = UserFactory(email="agent@exemple.test")
    for adresse in [user.email, "inconnu@exemple.test"]:
        publications.clear()
        with django_capture_on_commit_callbacks(execute=False) as rappels:
            reponse = client.post(reverse("password_reset"), {"email": adresse})
            # Nothing leaves during the request: no mail, no message before the commit.
            assert mail.outbox == []
            assert publications == []
        assert reponse.status_code == 302
        assert reponse["Location"] == reverse("password_reset_done")
        assert len(rappels) == 1

        rappels[0]()  # the commit

        assert publications == [(TACHE, [adresse], file_de_test)]
        assert mail.outbox == []


@pytest.mark.lent
@pytest.mark.django_db(transaction=True)
def test_la_tache_envoie_le_lien_par_un_vrai_worker_avec_les_vrais_reglages(file_de_test, settings):
    settings.SITE_URL = "https://reussite.example"
    user = UserFactory(email="agent@exemple.test")
    terminees = []

    def noter(sender=None, task_id=None, retval=None, **kwargs):
        if sender is not None and sender.name == TACHE:
            terminees.append(retval)

    task_postrun.connect(noter)
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[file_de_test]
        ):
            client = Client()
            for adresse in ["inconnu@exemple.test", "Agent@Exemple.test"]:
                reponse = client.post(reverse("password_reset"), {"email": adresse})
                assert reponse.status_code == 302
            limite = time.monotonic() + ATTENTE
            while len(terminees) < 2 and time.monotonic() < limite:
                time.sleep(0.1)
    finally:
        task_postrun.disconnect(noter)

    assert terminees == [0, 1]  # the unknown address: nothing; the account: one mail
    assert len(mail.outbox) == 1
    courriel = mail.outbox[0]
    assert courriel.to == [user.email]
    assert courriel.subject == "Réussite : choisir un nouveau mot de passe"
    lien = re.search(r"https://reussite\.example(/\S+/)", courriel.body)
    assert lien, courriel.body
    assert courriel.alternatives and lien.group(0) in courriel.alternatives[0][0]

    # The link works: it leads to the form that sets the new password.
    reponse = Client().get(lien.group(1), follow=True)
    assert reponse.status_code == 200
    assert "new_password1" in reponse.content.decode()
