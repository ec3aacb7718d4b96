"""The « passage incomplet » reminder (issue 21) through its beat entry: exactly what beat sends
(`rappels-scanner` with the real settings), received by a real worker, on June 2nd in Paris."""

import time
import uuid
import zoneinfo
from datetime import date, datetime

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from celery.signals import task_failure, task_success
from django.conf import settings

from parcours.models import Statut
from reussite.celery import app
from reussite.core.models import Rappel
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import nommer_referent, pre, professionnel

pytestmark = [pytest.mark.lent, pytest.mark.django_db(transaction=True)]

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def test_l_entree_du_calendrier_cree_le_rappel_du_passage_incomplet_sur_un_vrai_worker():
    a = pre(nom="PRE du Calendrier")
    referent = professionnel(a.porteuse)
    with time_machine.travel(datetime(2027, 6, 2, 7, 0, tzinfo=PARIS), tick=True):
        parcours = ParcoursFactory(
            programme=a.programme,
            statut=Statut.EN_COURS,
            enfant=EnfantFactory(programme=a.programme, date_naissance=date(2016, 4, 4)),
        )
        nommer_referent(parcours, referent, auteur=a.coordinateur)
        app.loader.import_default_modules()
        entree = settings.CELERY_BEAT_SCHEDULE["rappels-scanner"]
        tache = app.tasks[entree["task"]]
        file = f"transitions-test-{uuid.uuid4().hex[:8]}"
        fini: list[str] = []

        def reussie(sender=None, **kwargs):
            fini.append("ok")

        def echouee(sender=None, exception=None, **kwargs):
            fini.append(repr(exception))

        task_success.connect(reussie)
        task_failure.connect(echouee)
        try:
            with start_worker(
                app, pool="solo", perform_ping_check=False, shutdown_timeout=30, queues=[file]
            ):
                tache.apply_async(
                    args=entree.get("args", ()), kwargs=entree.get("kwargs", {}), queue=file
                )
                limite = time.monotonic() + 60
                while not fini and time.monotonic() < limite:
                    time.sleep(0.2)
        finally:
            task_success.disconnect(reussie)
            task_failure.disconnect(echouee)

    assert fini == ["ok"]
    rappel = Rappel.objects.get(genre="transition_incomplete")
    assert (rappel.object_id, rappel.destinataire_id, rappel.echeance) == (
        parcours.pk,
        referent.user_id,
        date(2027, 6, 1),
    )
