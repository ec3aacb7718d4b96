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
from parcours.rappels.droits import GENRE
from parcours.services import DonneesDemande, demande_droit_creer
from reussite.celery import app
from reussite.core.models import FrequenceCourriels, Rappel, StatutRappel
from reussite.core.tasks import rappels_scanner
from tests.factories.core import coordinateur
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import pre

pytestmark = [
    pytest.mark.lent,
    pytest.mark.django_db(transaction=True, databases=["default", "trace"]),
]

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


def test_le_programme_qui_a_recu_le_parcours_est_prevenu_par_le_courtier_sans_le_nom():
    """A request about a transferred pathway: on commit, the receiving programme's reminders
    leave through the broker (`rappel_envoyer.delay`, i.e. `apply_async`) to a real worker,
    one email per person who asked for immediate emails, naming no child."""
    from parcours.models import Finalite, InformationTransfert
    from parcours.services import transfert_accepter, transfert_proposer
    from parcours.services.droits import GENRE_INFORMATION
    from tests.factories.core import dpo
    from tests.factories.partage import consentement

    assert not settings.CELERY_TASK_ALWAYS_EAGER
    a = pre(nom="PRE de Villeneuve")
    b = pre(nom="PRE des Tilleuls")
    delegue_b = dpo(b.programme, frequence_courriels=FrequenceCourriels.IMMEDIAT)
    coordination_b = coordinateur(b.programme, frequence_courriels=FrequenceCourriels.IMMEDIAT)
    parcours = ParcoursFactory(
        programme=a.programme, enfant=EnfantFactory(programme=a.programme, nom="Zorgheb")
    )
    consentement(
        parcours, auteur=a.coordinateur, finalites=[Finalite.ACCOMPAGNEMENT, Finalite.TRANSFERT]
    )
    transfert = transfert_proposer(
        parcours=parcours, programme_destination=b.programme, auteur=a.coordinateur
    )
    transfert_accepter(transfert=transfert, auteur=b.coordinateur, version=transfert.version)
    mail.outbox.clear()

    with start_worker(
        app,
        pool="solo",
        perform_ping_check=False,
        shutdown_timeout=10,
        queues=[app.conf.task_default_queue],
    ):
        demande = demande_droit_creer(
            programme=a.programme,
            donnees=DonneesDemande(
                genre=GenreDemande.EFFACEMENT,
                demandeur="la mère",
                canal="courrier",
                recue_le=timezone.localdate(),
                parcours=parcours,
            ),
            auteur=a.coordinateur,
        )
        _attendre(
            lambda: (
                Rappel.objects.filter(
                    genre=GENRE_INFORMATION,
                    destinataire__in=[delegue_b, coordination_b],
                    statut=StatutRappel.ENVOYE,
                ).count()
                == 2
            ),
            "the receiving programme's reminders were not sent by the worker",
        )
    information = InformationTransfert.objects.get(demande=demande)
    assert information.programme_id == b.programme.pk
    envoyes = [m for m in mail.outbox if set(m.to) & {delegue_b.email, coordination_b.email}]
    assert len(envoyes) == 2
    for message in envoyes:
        assert "PRE de Villeneuve" in message.subject
        assert f"demande n° {demande.pk}" in message.body
        contenu = message.subject + message.body + message.alternatives[0][0]
        assert "Zorgheb" not in contenu
    # Nobody in the sending programme got this reminder.
    assert not Rappel.objects.filter(genre=GENRE_INFORMATION, programme_id=a.programme.pk).exists()
