"""The reminder of a rights request's deadline, delivered through the broker with the real
settings (no eager mode): the scan task sent with `apply_async` to an in-process worker
creates the reminders, and the immediate one leaves as one email that names no child."""

import time
import uuid
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.utils import timezone

from parcours.models import DemandeDroit, GenreDemande
from parcours.rappels_droits import GENRE
from parcours.services import DonneesDemande, demande_droit_creer
from reussite.celery import app
from reussite.core.models import FrequenceCourriels, Rappel, StatutRappel
from reussite.core.tasks import rappels_scanner
from tests.factories.core import coordinateur
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import pre

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "trace"])

ATTENTE = 60


def _attendre(condition, message: str):
    limite = time.monotonic() + ATTENTE
    while time.monotonic() < limite:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(message)


def test_le_scan_par_le_courtier_previent_avant_l_echeance_par_un_seul_courriel():
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    a = pre(nom="PRE de Villeneuve")
    urgent = coordinateur(a.programme, frequence_courriels=FrequenceCourriels.IMMEDIAT)
    parcours = ParcoursFactory(
        programme=a.programme, enfant=EnfantFactory(programme=a.programme, nom="Zorgheb")
    )
    demande: DemandeDroit = demande_droit_creer(
        programme=a.programme,
        donnees=DonneesDemande(
            genre=GenreDemande.ACCES,
            demandeur="la mère",
            canal="courrier",
            recue_le=timezone.localdate() - timedelta(days=27),
            parcours=parcours,
            suivie_par=urgent,
        ),
        auteur=urgent,
    )
    file = f"droits-test-{uuid.uuid4().hex[:8]}"
    # The scan on its own queue; the sends it enqueues go to Celery's default queue.
    with start_worker(
        app,
        pool="solo",
        perform_ping_check=False,
        shutdown_timeout=10,
        queues=[file, app.conf.task_default_queue],
    ):
        rappels_scanner.apply_async(queue=file)
        _attendre(
            lambda: Rappel.objects.filter(
                genre=GENRE, destinataire=urgent, statut=StatutRappel.ENVOYE
            ).exists(),
            "the reminder was not sent by the worker",
        )
    rappels = Rappel.objects.filter(genre=GENRE, object_id=demande.pk)
    # The programme's first coordinator (daily digest) waits for the digest; the one who asked
    # for immediate emails got one, naming the request by its number, never the child.
    assert set(rappels.values_list("destinataire_id", flat=True)) == {
        a.coordinateur.pk,
        urgent.pk,
    }
    envoyes = [m for m in mail.outbox if urgent.email in m.to]
    assert len(envoyes) == 1
    assert f"n° {demande.pk}" in envoyes[0].subject
    assert "Zorgheb" not in envoyes[0].subject + envoyes[0].body
