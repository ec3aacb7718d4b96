"""A pathway's long PDFs (fiche, right of access) built in the background (issue 18): above
`PDF_SEUIL_ARRIERE_PLAN` the document's URL offers a background build instead of laying out
twenty pages in the request; the
request goes through the broker with `apply_async` to a real worker (the test settings: Redis,
not eager, this pytest process's own queue), which replays the access check and builds the
very document the direct download gives; only its requester can take it."""

import io
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings as reglages
from django.test import Client
from django.urls import reverse

from parcours.models import Statut
from parcours.services import note_ajouter
from reussite.celery import app
from reussite.core.models import DemandeExport, Evenement, StatutExport, TraceAcces
from reussite.core.trace import ALIAS
from tests.conftest import connecter
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import pre

pytestmark = [
    pytest.mark.lent,
    pytest.mark.django_db(transaction=True, databases=["default", "trace"]),
]


def _attendre(condition, message: str, delai: float = 90):
    limite = time.monotonic() + delai
    while time.monotonic() < limite:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(message)


def _texte(contenu: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(contenu)).pages)


def test_une_longue_fiche_est_preparee_par_le_worker_pour_son_seul_demandeur(tmp_path, settings):
    assert not reglages.CELERY_TASK_ALWAYS_EAGER
    settings.EXPORTS_ROOT = tmp_path / "exports"
    settings.EXPORTS_FILE_CELERY = ""  # this process's default queue (one per xdist worker)
    settings.PDF_SEUIL_ARRIERE_PLAN = 1  # every fiche is "long"
    a, b = pre(nom="PRE A"), pre(nom="PRE B")
    parcours = ParcoursFactory(
        programme=a.programme,
        statut=Statut.EN_COURS,
        enfant=EnfantFactory(programme=a.programme, nom="Zéphyrine"),
    )
    for i in range(3):
        note_ajouter(
            parcours=parcours,
            auteur=a.coordinateur,
            texte=f"Point d’étape numéro {i} avec la famille",
            visibilite="equipe",
        )
    url = reverse("parcours:fiche_pdf", args=[parcours.pk])
    client = connecter(Client(), a.coordinateur)

    page = client.get(url)
    assert page["Content-Type"].startswith("text/html")
    assert "préparé en arrière-plan" in page.content.decode()
    with start_worker(
        app,
        pool="solo",
        perform_ping_check=False,
        shutdown_timeout=10,
        queues=[app.conf.task_default_queue],
    ):
        reponse = client.post(
            reverse("exports:demander"),
            {"genre": "fiche", "format": "pdf", "filtres": f"parcours={parcours.pk}"},
        )
        demande = DemandeExport.objects.get(genre="fiche")
        assert reponse["Location"] == reverse("exports:demande", args=[demande.pk])
        _attendre(
            lambda: DemandeExport.objects.get(pk=demande.pk).statut == StatutExport.TERMINE,
            "the worker did not build the fiche",
        )

    assert "Votre document est prêt" in client.get(reponse["Location"]).content.decode()
    fichier = client.get(reverse("exports:fichier", args=[demande.pk]))
    assert fichier["Content-Type"] == "application/pdf"
    prepare = b"".join(fichier.streaming_content)
    fichier.close()
    # The worker's document is now in the PDF cache: the fiche's own URL serves it at once.
    assert client.get(url).content == prepare
    # The very document a direct download lays out.
    settings.PDF_SEUIL_ARRIERE_PLAN = 0
    settings.PDF_CACHE_SECONDES = 0
    direct = client.get(url)
    assert direct["Content-Type"] == "application/pdf"
    assert _texte(prepare) == _texte(direct.content)
    assert "Point d’étape numéro 2 avec la famille" in _texte(prepare)
    # The worker replayed the access check for the requester, traced.
    assert (
        TraceAcces.objects.using(ALIAS)
        .filter(user_id=a.coordinateur.pk, object_id=parcours.pk, autorise=True)
        .count()
        >= 4
    )

    autre = connecter(Client(), b.coordinateur)
    assert autre.get(reverse("exports:fichier", args=[demande.pk])).status_code == 404
    assert autre.get(reverse("exports:demande", args=[demande.pk])).status_code == 404
    refus = autre.post(
        reverse("exports:demander"),
        {"genre": "fiche", "format": "pdf", "filtres": f"parcours={parcours.pk}"},
    )
    assert refus.status_code == 404
    assert DemandeExport.objects.count() == 1


def test_un_long_droit_d_acces_est_prepare_par_le_worker_et_trace(tmp_path, settings):
    settings.EXPORTS_ROOT = tmp_path / "exports"
    settings.EXPORTS_FILE_CELERY = ""
    settings.PDF_SEUIL_ARRIERE_PLAN = 1
    a, b = pre(nom="PRE A"), pre(nom="PRE B")
    parcours = ParcoursFactory(
        programme=a.programme,
        statut=Statut.EN_COURS,
        enfant=EnfantFactory(programme=a.programme, nom="Zéphyrine"),
    )
    note_ajouter(
        parcours=parcours, auteur=a.coordinateur, texte="Bilan avec l’école", visibilite="equipe"
    )
    url = reverse("parcours:droit_acces_pdf", args=[parcours.pk])
    exports = TraceAcces.objects.using(ALIAS).filter(
        user_id=a.coordinateur.pk, object_id=parcours.pk, evenement=Evenement.DROIT_ACCES
    )
    client = connecter(Client(), a.coordinateur)

    page = client.get(url)
    assert "préparé en arrière-plan" in page.content.decode()
    # Nothing has left the platform yet.
    assert not exports.exists()
    with start_worker(
        app,
        pool="solo",
        perform_ping_check=False,
        shutdown_timeout=10,
        queues=[app.conf.task_default_queue],
    ):
        reponse = client.post(
            reverse("exports:demander"),
            {"genre": "droit_acces", "format": "pdf", "filtres": f"parcours={parcours.pk}"},
        )
        demande = DemandeExport.objects.get(genre="droit_acces")
        _attendre(
            lambda: DemandeExport.objects.get(pk=demande.pk).statut == StatutExport.TERMINE,
            "the worker did not build the right-of-access file",
        )

    assert reponse["Location"] == reverse("exports:demande", args=[demande.pk])
    assert exports.count() == 1
    fichier = client.get(reverse("exports:fichier", args=[demande.pk]))
    texte = _texte(b"".join(fichier.streaming_content))
    fichier.close()
    assert "Bilan avec l’école" in texte
    assert "Journal des accès au dossier" in texte
    autre = connecter(Client(), b.coordinateur)
    assert autre.get(reverse("exports:fichier", args=[demande.pk])).status_code == 404
    refus = autre.post(
        reverse("exports:demander"),
        {"genre": "droit_acces", "format": "pdf", "filtres": f"parcours={parcours.pk}"},
    )
    assert refus.status_code == 404
    # Under the threshold, the file is served directly, traced as before.
    settings.PDF_SEUIL_ARRIERE_PLAN = 0
    direct = client.get(url)
    assert direct["Content-Type"] == "application/pdf"
    assert exports.count() == 2
