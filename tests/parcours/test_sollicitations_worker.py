"""The reminders of the requests to partners under delivery (issue 21): the beat's daily scan,
sent through the broker with apply_async to a real worker (the test settings: Redis, not
eager), finds the request whose deadline is near and the one past it, and the e-mails they send
name the structure and the pseudonymised reference, never the child."""

import time
import uuid
from datetime import date, timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings as reglages
from django.core import mail

from parcours.models import Parcours, Sollicitation, Statut
from parcours.services import sollicitation_creer
from reussite.celery import app
from reussite.core.models import FrequenceCourriels, Rappel, StatutRappel
from reussite.core.tasks import rappels_scanner
from tests.factories import actions as fab
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import consentement, partenaire, pre, professionnel

pytestmark = [
    pytest.mark.lent,
    pytest.mark.django_db(transaction=True, databases=["default", "trace"]),
]

NOM = "Zéphyrine"


def _attendre(condition, message: str, delai: float = 60):
    limite = time.monotonic() + delai
    while time.monotonic() < limite:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(message)


def test_le_scan_quotidien_rappelle_le_partenaire_puis_le_referent_sans_nommer_l_enfant():
    assert reglages.CELERY_BEAT_SCHEDULE["rappels-scanner"]["task"] == rappels_scanner.name
    assert not reglages.CELERY_TASK_ALWAYS_EAGER
    reseau = pre(nom="PRE A")
    reseau.coordinateur.frequence_courriels = FrequenceCourriels.IMMEDIAT
    reseau.coordinateur.save()
    pro = professionnel(partenaire(reseau.programme, nom="CMP des Lilas"))
    pro.user.frequence_courriels = FrequenceCourriels.IMMEDIAT
    pro.user.save()
    parcours = ParcoursFactory(
        programme=reseau.programme,
        statut=Statut.EN_COURS,
        enfant=EnfantFactory(programme=reseau.programme, nom=NOM),
    )
    consentement(parcours, auteur=reseau.coordinateur)
    objectif = fab.objectif(parcours, auteur=reseau.coordinateur)

    def solliciter():
        return sollicitation_creer(
            parcours=Parcours.objects.get(pk=parcours.pk),
            objectif=objectif,
            structure=pro.structure,
            professionnel=pro,
            demande="Un bilan",
            motif="Langage",
            echeance=date.today() + timedelta(days=2),
            auteur=reseau.coordinateur,
        )

    proche, echue = solliciter(), solliciter()
    # The second one's deadline passed yesterday (the form refuses a past one: moved back here).
    Sollicitation.objects.filter(pk=echue.pk).update(echeance=date.today() - timedelta(days=1))
    mail.outbox.clear()

    # The scan on a queue of its own (as tests/test_demandes_droits_worker.py does); the sends it
    # enqueues go to Celery's default queue, which this worker also consumes.
    file = f"sollicitations-test-{uuid.uuid4().hex[:8]}"
    with start_worker(
        app,
        pool="solo",
        perform_ping_check=False,
        shutdown_timeout=10,
        queues=[file, app.conf.task_default_queue],
    ):
        rappels_scanner.apply_async(queue=file)
        _attendre(
            lambda: (
                Rappel.objects.filter(
                    genre__in=["sollicitation_echeance", "sollicitation_echue"],
                    statut=StatutRappel.ENVOYE,
                ).count()
                == 2
            ),
            "the scan's reminders were not sent",
        )

    avant = Rappel.objects.get(genre="sollicitation_echeance")
    apres = Rappel.objects.get(genre="sollicitation_echue")
    assert (avant.object_id, avant.destinataire_id) == (proche.pk, pro.user_id)
    assert (apres.object_id, apres.destinataire_id) == (echue.pk, reseau.coordinateur.pk)
    envoyes = {m.to[0]: m for m in mail.outbox if "SOL-" in m.subject}
    assert set(envoyes) >= {pro.user.email, reseau.coordinateur.email}
    for courriel in mail.outbox:
        corps = courriel.subject + courriel.body
        corps += "".join(str(contenu) for contenu, _type in getattr(courriel, "alternatives", []))
        assert NOM not in corps
    assert proche.reference in envoyes[pro.user.email].subject
    assert echue.reference in envoyes[reseau.coordinateur.email].subject
