"""Uploads through the real page: type by content, size limit, sanitised random name outside the
web root, served as an attachment."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from parcours.models import Document
from reussite.core.fichiers import TAILLE_MAX
from tests.conftest import connecter
from tests.factories.parcours import ParcoursFactory
from tests.factories.partage import PDF, pre

pytestmark = pytest.mark.django_db


@pytest.fixture
def depot():
    monde = pre()
    parcours = ParcoursFactory(programme=monde.programme)
    client = connecter(Client(), monde.coordinateur)
    url = reverse("parcours:document_ajouter", args=[parcours.pk])

    def deposer(nom: str, contenu: bytes, type_annonce: str = "application/pdf"):
        fichier = SimpleUploadedFile(nom, contenu, content_type=type_annonce)
        return client.post(url, {"titre": "Bilan", "fichier": fichier})

    deposer.client, deposer.parcours = client, parcours
    return deposer


@pytest.mark.parametrize(
    "contenu",
    [
        b"<html><script>alert(1)</script></html>",
        b"MZ\x90\x00\x03\x00\x00\x00 executable",
        b"PK\x03\x04 un zip renomme",
        b"",
    ],
    ids=["html", "exe", "zip", "vide"],
)
def test_un_autre_type_renomme_en_pdf_est_refuse(depot, contenu):
    reponse = depot("bilan.pdf", contenu)
    assert reponse.status_code == 200
    assert not Document.objects.exists()
    texte = reponse.content.decode()
    assert "fr-error-text" in texte or "Joignez un fichier" in texte


def test_un_fichier_trop_gros_est_refuse(depot):
    reponse = depot("gros.pdf", PDF + b"0" * (TAILLE_MAX - len(PDF) + 1))
    assert reponse.status_code == 200
    assert "10 Mo" in reponse.content.decode()
    assert not Document.objects.exists()


def test_un_nom_qui_remonte_les_dossiers_est_remplace_par_un_nom_aleatoire(depot):
    reponse = depot("../../etc/passwd.pdf", PDF)
    assert reponse.status_code == 302
    document = Document.objects.get()
    nom = document.fichier.name
    assert nom.startswith("documents/") and nom.endswith(".pdf")
    assert ".." not in nom and "passwd" not in nom and len(Path(nom).stem) == 32
    chemin = Path(document.fichier.path).resolve()
    media = Path(settings.MEDIA_ROOT).resolve()
    assert chemin.is_relative_to(media) and chemin.read_bytes() == PDF
    # Outside the web root: neither under the static files, nor reachable by any URL.
    for statique in [settings.STATIC_ROOT, *settings.STATICFILES_DIRS]:
        assert not chemin.is_relative_to(Path(statique).resolve())
    assert depot.client.get(f"/{nom}").status_code == 404
    assert depot.client.get(f"/media/{nom}").status_code == 404

    reponse = depot.client.get(
        reverse("parcours:document_fichier", args=[depot.parcours.pk, document.pk])
    )
    disposition = reponse["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "passwd" not in disposition and ".." not in disposition
    assert reponse["X-Content-Type-Options"] == "nosniff"
    assert b"".join(reponse.streaming_content) == PDF
