"""A large export built by a real `celery worker` process (issue 8: "the background export end to
end with a real worker").

The coordinator's GET only offers the background build; the POST records the request and
enqueues its id after commit; the worker (another process, another database connection) builds
the file into the private storage while stamping its progress; the page shows it ready; the
requester downloads it, and nobody else can.
"""

import csv
import io
import os
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.urls import reverse

from parcours.models import StatutAction
from reussite.core.models import DemandeExport, StatutExport
from tests.conftest import connecter
from tests.core.test_rappels_worker import RACINE, _url_base_de_test
from tests.factories import actions as fabrique
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import pre

pytestmark = [
    pytest.mark.lent,
    pytest.mark.django_db(transaction=True, databases=["default", "trace"]),
]

ATTENTE = 90
LIGNES = 12


def _courtier() -> str:
    url = settings.CELERY_BROKER_URL
    if url.startswith("memory://"):
        pytest.skip("needs a broker shared between processes (make test starts Redis)")
    return url


@pytest.fixture
def travailleur(tmp_path, settings):
    """A `celery worker` process on a queue of its own, sharing the test's database and export
    folder; the test process sends export builds to that queue."""
    courtier = _courtier()
    file = f"exports-test-{uuid.uuid4().hex[:8]}"
    dossier = tmp_path / "exports"
    settings.EXPORTS_FILE_CELERY = file
    settings.EXPORTS_ROOT = dossier
    settings.EXPORTS_SEUIL_ARRIERE_PLAN = 5
    journal = (tmp_path / "worker.log").open("w")
    processus = subprocess.Popen(  # noqa: S603 - a fixed command line
        [
            sys.executable,
            *("-m", "celery", "-A", "reussite", "worker", "--pool", "solo"),
            *("--queues", file, "--loglevel", "INFO"),
            *("--without-gossip", "--without-mingle", "--without-heartbeat"),
        ],
        cwd=RACINE,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "reussite.settings.test",
            "DATABASE_URL": _url_base_de_test(),
            "CELERY_BROKER_URL": courtier,
            "EXPORTS_ROOT": str(dossier),
        },
        stdout=journal,
        stderr=subprocess.STDOUT,
    )
    try:
        yield tmp_path / "worker.log"
    finally:
        processus.terminate()
        try:
            processus.wait(20)
        except subprocess.TimeoutExpired:
            processus.kill()
        journal.close()


def _attendre(condition, message: str, journal):
    limite = time.monotonic() + ATTENTE
    while time.monotonic() < limite:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"{message}\n{journal.read_text()[-3000:]}")


def test_un_gros_export_est_construit_par_le_worker_et_remis_a_son_demandeur(client, travailleur):
    a, b = pre(nom="PRE Alpha"), pre(nom="PRE Bêta")
    parcours = ParcoursFactory(
        programme=a.programme, statut="en_cours", enfant=EnfantFactory(programme=a.programme)
    )
    for i in range(LIGNES):
        fabrique.action(
            parcours, auteur=a.coordinateur, intitule=f"=Action {i}", statut=StatutAction.EN_COURS
        )
    fabrique.action(parcours, auteur=a.coordinateur, intitule="Prévue", statut=StatutAction.PREVUE)
    connecter(client, a.coordinateur)

    offre = client.get(reverse("parcours:actions_export"), {"statut": "en_cours"})
    assert "Préparer l’export" in offre.content.decode()
    reponse = client.post(
        reverse("exports:demander"),
        {"genre": "actions", "format": "csv", "filtres": "statut=en_cours"},
    )
    demande = DemandeExport.objects.get()
    assert reponse["Location"] == reverse("exports:demande", args=[demande.pk])

    _attendre(
        lambda: DemandeExport.objects.get(pk=demande.pk).statut == StatutExport.TERMINE,
        "the worker did not build the export",
        travailleur,
    )
    demande.refresh_from_db()
    assert (demande.lignes_faites, demande.lignes_total) == (LIGNES, LIGNES)
    page = client.get(reverse("exports:demande", args=[demande.pk])).content.decode()
    assert "Votre export est prêt" in page

    fichier = client.get(reverse("exports:fichier", args=[demande.pk]))
    assert fichier["Content-Disposition"].startswith("attachment;")
    texte = b"".join(fichier.streaming_content).decode("utf-8-sig")
    fichier.close()
    lignes = list(csv.reader(io.StringIO(texte), delimiter=";"))
    assert sorted(ligne[3] for ligne in lignes[1:]) == sorted(
        f"'=Action {i}" for i in range(LIGNES)
    )

    client.logout()
    connecter(client, b.coordinateur)
    assert client.get(reverse("exports:fichier", args=[demande.pk])).status_code == 404
    assert client.get(reverse("exports:demande", args=[demande.pk])).status_code == 404
