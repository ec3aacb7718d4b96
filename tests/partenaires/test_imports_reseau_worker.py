"""A large network import confirmed through the broker with the real settings (no eager mode):
`import_reseau_appliquer`, sent with `apply_async` to an in-process worker, writes the whole file,
and the invitations it asked for leave after its commit through `invitations_envoyer`, delivered
by the same worker."""

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail

from partenaires import tasks
from partenaires.models import ImportReseau, Offre, Professionnel, StatutImportReseau, Structure
from reussite.celery import app
from tests.factories.core import administrateur
from tests.factories.partage import pre
from tests.partenaires.test_imports_reseau import _analyser, _csv, _offre, _pro, _structure

pytestmark = [
    pytest.mark.lent,
    pytest.mark.django_db(transaction=True, databases=["default", "trace"]),
]

ATTENDRE = 120


@pytest.fixture
def a():
    p = pre(nom="PRE Réseau")
    p.admin = administrateur(p.programme)
    return p


def _attendre(condition) -> None:
    limite = time.monotonic() + ATTENDRE
    while time.monotonic() < limite and not condition():
        time.sleep(0.3)


def test_un_import_du_reseau_confirme_par_le_courtier_ecrit_tout_puis_invite(a):
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    lignes = []
    for i in range(12):
        nom = f"Association Synthétique {i}"
        lignes += [
            _structure(nom),
            _pro(f"pro{i}@synthetique.test", nom=nom),
            _offre(f"Atelier {i}", nom=nom),
        ]
    imp = _analyser(a, _csv(*lignes), inviter=True)
    assert imp.statut != StatutImportReseau.TERMINE
    file = f"reseau-test-{uuid.uuid4().hex[:8]}"
    with start_worker(
        app,
        pool="solo",
        perform_ping_check=False,
        shutdown_timeout=10,
        # The invitations are sent with `delay`, on the default queue, after the import's commit.
        queues=[file, settings.CELERY_TASK_DEFAULT_QUEUE],
    ):
        tasks.import_reseau_appliquer.apply_async(args=[imp.pk], queue=file)
        _attendre(lambda: ImportReseau.objects.get(pk=imp.pk).statut == StatutImportReseau.TERMINE)
        _attendre(lambda: len(mail.outbox) >= 12)

    imp.refresh_from_db()
    assert imp.statut == StatutImportReseau.TERMINE, imp.resultat
    assert Structure.objects.filter(nom__startswith="Association Synthétique").count() == 12
    assert Professionnel.objects.filter(user__email__endswith="@synthetique.test").count() == 12
    assert Offre.objects.filter(intitule__startswith="Atelier ").count() == 12
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        f"pro{i}@synthetique.test" for i in range(12)
    )
