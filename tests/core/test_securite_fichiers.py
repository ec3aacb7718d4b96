"""Uploads through the real page: type by content, size limit, sanitised random name outside the
web root, served as an attachment."""

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from parcours.models import Consentement, Document
from partenaires.models import Convention
from reussite.core.fichiers import TAILLE_MAX, TYPES_ACCEPTES, type_document
from tests.conftest import connecter
from tests.factories.parcours import ParcoursFactory
from tests.factories.partage import PDF, POLYGLOTTE, png, pre
from tests.support.formulaires import jeton

pytestmark = pytest.mark.django_db


@pytest.fixture
def depot():
    monde = pre()
    parcours = ParcoursFactory(programme=monde.programme)
    client = connecter(Client(), monde.coordinateur)
    url = reverse("parcours:document_ajouter", args=[parcours.pk])

    def deposer(nom: str, contenu: bytes, type_annonce: str = "application/pdf"):
        fichier = SimpleUploadedFile(nom, contenu, content_type=type_annonce)
        return client.post(url, {"jeton": jeton(), "titre": "Bilan", "fichier": fichier})

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


# --- Parsed, not sniffed (issue 15, point 10) -------------------------------------------------

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>\n"
TROMPEUSES = {
    "pdf-puis-html": POLYGLOTTE,
    "png-puis-html": png()[:16] + HTML,
    "pdf-tronque": PDF[: len(PDF) // 2],
    "png-tronque": png()[:-20],
}


def _formulaires_de_depot():
    """The three upload forms of the product: (name, client, url, body for a file, row count)."""
    from partenaires import services as services_partenaires
    from reussite.core.models import Role
    from reussite.core.services import role_attribuer
    from tests.acces.monde import construire_monde, corps
    from tests.factories.core import UserFactory

    monde = construire_monde()
    admin = UserFactory()
    role_attribuer(user=admin, programme=monde.a.programme, role=Role.ADMINISTRATEUR)
    convention = services_partenaires.convention_creer(
        programme=monde.a.programme,
        auteur=admin,
        intitule="Convention de quartier",
        objet="Aide aux devoirs",
        date_debut=date(2025, 1, 1),
        date_fin=date(2026, 12, 31),
    )
    coordination = connecter(Client(), monde.a.coordinateur)
    p = monde.p.parcours
    return monde, [
        (
            "scan du consentement",
            coordination,
            reverse("parcours:consentement", args=[p.pk]),
            lambda f: corps("parcours:consentement", monde.p) | {"fichier": f},
            lambda: Consentement.objects.filter(parcours=p).count(),
        ),
        (
            "document du parcours",
            coordination,
            reverse("parcours:document_ajouter", args=[p.pk]),
            lambda f: {"jeton": jeton(), "titre": "Bilan", "fichier": f},
            lambda: Document.objects.filter(parcours=p).count(),
        ),
        (
            "convention signée",
            connecter(Client(), admin),
            reverse("partenaires:convention_document_deposer", args=[convention.pk]),
            lambda f: {"document": f},
            lambda: int(bool(Convention.objects.get(pk=convention.pk).document)),
        ),
    ]


def test_un_fichier_qui_commence_comme_un_pdf_ou_une_image_sans_en_etre_un_est_refuse():
    _monde, formulaires = _formulaires_de_depot()
    for nom, client, url, corps_, lignes in formulaires:
        avant = lignes()
        for cas, contenu in TROMPEUSES.items():
            fichier = SimpleUploadedFile("piece.pdf", contenu, content_type="application/pdf")
            reponse = client.post(url, corps_(fichier))
            texte = reponse.content.decode()
            assert reponse.status_code in (200, 400), (nom, cas, reponse.status_code)
            assert "fr-error-text" in texte, (nom, cas)
            assert any(
                message in texte
                for message in (
                    "ne peut pas être lu",
                    "doit être un fichier PDF",
                    "ni un PDF, ni une image",
                )
            ), (nom, cas)
            assert lignes() == avant, (nom, cas)
        # Positive control: a real PDF goes through the same form.
        fichier = SimpleUploadedFile("piece.pdf", PDF, content_type="application/pdf")
        assert client.post(url, corps_(fichier)).status_code == 302, nom
        assert lignes() == avant + 1, nom


@pytest.mark.parametrize("contenu", [PDF, png()], ids=["pdf", "png"])
def test_un_vrai_pdf_ou_une_vraie_image_passent_le_controle(contenu):
    assert type_document(SimpleUploadedFile("x", contenu)) in TYPES_ACCEPTES


@pytest.mark.parametrize("cas", sorted(TROMPEUSES))
def test_le_controle_lit_le_fichier_avec_pypdf_ou_pillow(cas):
    with pytest.raises(ValidationError) as erreur:
        type_document(SimpleUploadedFile("x", TROMPEUSES[cas]))
    assert erreur.value.code in ("pdf_illisible", "image_illisible", "type")


# --- A storage failure is a form error (issue 15, point 11) ----------------------------------


def test_un_stockage_en_panne_donne_une_erreur_sur_le_formulaire_et_n_ecrit_rien(
    settings, tmp_path, caplog
):
    """MEDIA_ROOT under a regular file: the folder can be neither created nor written, even as
    root (CI runs as root, so a read-only folder would not fail)."""
    monde, formulaires = _formulaires_de_depot()
    bouchon = tmp_path / "pas-un-dossier"
    bouchon.write_text("un fichier, pas un dossier")
    settings.MEDIA_ROOT = bouchon / "media"
    saisie = "Bilan de fin de trimestre"
    for nom, client, url, corps_, lignes in formulaires:
        avant = lignes()
        caplog.clear()
        fichier = SimpleUploadedFile("piece.pdf", PDF, content_type="application/pdf")
        donnees = corps_(fichier) | ({"titre": saisie} if "titre" in corps_(None) else {})
        reponse = client.post(url, donnees)

        assert reponse.status_code in (200, 400), (nom, reponse.status_code)
        texte = reponse.content.decode()
        assert "l’espace de stockage des documents est indisponible" in texte, nom
        assert "fr-error-text" in texte, nom
        if "titre" in donnees:  # what was typed is kept
            assert f'value="{saisie}"' in texte, nom
        assert lignes() == avant, nom  # nothing half-written
        assert not list(tmp_path.rglob("*.pdf")), nom
        journal = [r for r in caplog.records if r.name == "reussite.core.stockage"]
        assert journal and journal[0].levelname == "ERROR", nom
        assert "NotADirectoryError" in journal[0].getMessage(), nom
        assert monde.p.parcours.enfant.nom not in caplog.text, nom
    # Once the folder is back, the same form records the file.
    settings.MEDIA_ROOT = tmp_path / "media"
    nom, client, url, corps_, lignes = formulaires[1]
    fichier = SimpleUploadedFile("piece.pdf", PDF, content_type="application/pdf")
    assert client.post(url, corps_(fichier)).status_code == 302
