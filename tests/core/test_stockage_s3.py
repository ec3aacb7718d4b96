"""Stored files on a real S3 server (SeaweedFS, tests/support/s3.py), as in production with
S3_BUCKET set (issue 20, "Files on S3-compatible object storage"): uploads land in the bucket and
nowhere on the node's disk, leave only through the permission-checked views (streamed, same
headers, never a URL), are deleted by the anonymisation and the export purge, and an outage gives
the French storage error with nothing half-written."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parcours.models import Consentement, Document, Parcours, Statut
from parcours.services import enfants_anonymiser
from partenaires.models import Convention
from reussite.core.exports_arriere_plan import export_construire, exports_purger
from reussite.core.models import DemandeExport, StatutExport
from tests.conftest import connecter
from tests.core.test_securite_fichiers import _formulaires_de_depot
from tests.factories.partage import PDF, png
from tests.support.s3 import ports_libres

pytestmark = pytest.mark.django_db

MESSAGE = "l’espace de stockage des documents est indisponible"


@pytest.fixture(autouse=True)
def _dossiers_vides(settings, tmp_path):
    """Empty folders for the filesystem storages: nothing may land there while S3 is in use."""
    settings.EXPORTS_ROOT = tmp_path / "exports"


def _telecharger(client, url) -> tuple:
    reponse = client.get(url)
    assert reponse.status_code == 200, (url, reponse.status_code)
    contenu = b"".join(reponse.streaming_content)  # the test client closes it at the end
    return reponse, contenu


def _entetes_de_piece_jointe(reponse, debut: str) -> None:
    assert reponse["Content-Disposition"].startswith(f'attachment; filename="{debut}')
    assert reponse["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in reponse["Cache-Control"]
    assert "Location" not in reponse  # streamed by the node, never a redirect to the store


def _rien_sur_le_disque() -> None:
    for dossier in (settings.MEDIA_ROOT, settings.EXPORTS_ROOT):
        if Path(dossier).exists():
            assert not [p for p in Path(dossier).rglob("*") if p.is_file()], dossier


@pytest.mark.lent
def test_les_fichiers_deposes_vont_dans_le_bucket_et_ne_sortent_que_par_leur_vue(stockage_s3):
    serveur, bucket = stockage_s3
    monde, formulaires = _formulaires_de_depot()
    avant = serveur.cles(bucket)
    for nom, client, url, corps_, lignes in formulaires:
        compte = lignes()
        fichier = SimpleUploadedFile("Zébulon.pdf", PDF, content_type="application/pdf")
        assert client.post(url, corps_(fichier)).status_code == 302, nom
        assert lignes() == compte + 1, nom
    nouvelles = sorted(set(serveur.cles(bucket)) - set(avant))
    assert [cle.split("/")[1] for cle in nouvelles] == ["consentements", "conventions", "documents"]
    # Random names under the storage's prefix: the uploaded name (a child's) never reaches them.
    assert all(cle.startswith("media/") and "bulon" not in cle for cle in nouvelles)
    for cle in nouvelles:
        assert serveur.lire(bucket, cle) == PDF
    # The fixtures' exports went to the bucket too; nothing reached the node's folders.
    assert any(cle.startswith("exports/") for cle in avant)
    _rien_sur_le_disque()

    p = monde.p.parcours
    scan = Consentement.objects.filter(parcours=p).latest("pk")
    url_scan = reverse("parcours:consentement_fichier", args=[p.pk, scan.pk])
    referent = connecter(Client(), monde.referent.user)
    reponse, contenu = _telecharger(referent, url_scan)
    assert contenu == PDF
    _entetes_de_piece_jointe(reponse, f"consentement-{p.pk}-{scan.pk}")
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse["Content-Length"] == str(len(PDF))

    document = Document.objects.filter(parcours=p).latest("pk")
    coordination = formulaires[1][1]
    reponse, contenu = _telecharger(
        coordination, reverse("parcours:document_fichier", args=[p.pk, document.pk])
    )
    assert contenu == PDF
    _entetes_de_piece_jointe(reponse, f"document-{p.pk}-{document.pk}")

    convention = Convention.objects.exclude(document="").get()
    reponse, contenu = _telecharger(
        formulaires[2][1], reverse("partenaires:convention_document", args=[convention.pk])
    )
    assert contenu == PDF
    _entetes_de_piece_jointe(reponse, f"convention-{convention.pk}")

    reponse, contenu = _telecharger(
        coordination, reverse("exports:fichier", args=[monde.p.demande.pk])
    )
    assert contenu.startswith(b"\xef\xbb\xbfAction")
    _entetes_de_piece_jointe(reponse, "actions-")

    # The same views still refuse whoever may not see the file.
    for autre in (monde.b.coordinateur, monde.non_affecte.user, monde.etranger.user):
        assert connecter(Client(), autre).get(url_scan).status_code == 404
    assert Client().get(url_scan).status_code == 302  # to the login page
    # No URL can be made for a stored file (no presigned link that would outlive the check).
    for nom in ("default", "exports"):
        with pytest.raises(ValueError):
            storages[nom].url(nouvelles[0])


@pytest.mark.lent
def test_un_objet_absent_du_bucket_donne_une_404(stockage_s3):
    serveur, bucket = stockage_s3
    monde, formulaires = _formulaires_de_depot()
    document = Document.objects.filter(parcours=monde.p.parcours).latest("pk")
    serveur.client().delete_object(Bucket=bucket, Key=f"media/{document.fichier.name}")
    url = reverse("parcours:document_fichier", args=[monde.p.parcours.pk, document.pk])
    assert formulaires[1][1].get(url).status_code == 404


@pytest.mark.lent
def test_l_anonymisation_supprime_les_objets_du_bucket(
    stockage_s3, django_capture_on_commit_callbacks
):
    from tests.factories.parcours import ParcoursFactory
    from tests.factories.partage import consentement, pre

    serveur, bucket = stockage_s3
    equipe = pre()
    parcours = ParcoursFactory(programme=equipe.programme, statut=Statut.EN_COURS)
    scan = consentement(
        parcours, auteur=equipe.coordinateur, fichier=SimpleUploadedFile("s.pdf", PDF)
    )
    document = Document.objects.create(
        parcours=parcours, titre="Bilan", fichier=ContentFile(png(), name="bilan.png")
    )
    garde = ParcoursFactory(programme=equipe.programme, statut=Statut.EN_COURS)
    garde_doc = Document.objects.create(
        parcours=garde, titre="Bilan", fichier=ContentFile(PDF, name="b.pdf")
    )
    cles = {f"media/{scan.fichier.name}", f"media/{document.fichier.name}"}
    assert cles | {f"media/{garde_doc.fichier.name}"} == set(serveur.cles(bucket))
    sortie = date.today() - timedelta(days=800)
    Parcours.objects.filter(pk=parcours.pk).update(
        statut=Statut.SORTI,
        date_entree=sortie - timedelta(days=30),
        date_sortie=sortie,
        motif_sortie="objectifs_atteints",
    )

    with django_capture_on_commit_callbacks(execute=True):
        bilan = enfants_anonymiser()

    assert (bilan.enfants, bilan.fichiers) == (1, 2)
    assert serveur.cles(bucket) == [f"media/{garde_doc.fichier.name}"]  # the other child's stays
    scan.refresh_from_db()
    document.refresh_from_db()
    assert not scan.fichier and not document.fichier


@pytest.mark.lent
def test_l_export_est_construit_dans_le_bucket_puis_purge_a_expiration(stockage_s3):
    from tests.factories.partage import pre

    serveur, bucket = stockage_s3
    demandeur = pre().coordinateur
    demande = DemandeExport.objects.create(demandeur=demandeur, genre="actions", format="csv")

    assert export_construire(demande_id=demande.pk) == "termine"
    demande.refresh_from_db()
    cle = f"exports/{demande.fichier.name}"
    assert serveur.cles(bucket) == [cle]
    _rien_sur_le_disque()
    client = connecter(Client(), demandeur)
    _reponse, contenu = _telecharger(client, reverse("exports:fichier", args=[demande.pk]))
    assert contenu == serveur.lire(bucket, cle) and contenu.startswith(b"\xef\xbb\xbf")

    assert exports_purger(maintenant=timezone.now() + timedelta(days=6)) == 0
    assert serveur.cles(bucket) == [cle]
    assert exports_purger(maintenant=timezone.now() + timedelta(days=8)) == 1
    assert serveur.cles(bucket) == []
    demande.refresh_from_db()
    assert demande.statut == StatutExport.EXPIRE and not demande.fichier


# --- Outages ------------------------------------------------------------------------------------


def _panne(serveur, settings, bucket, genre: str) -> None:
    """Point the storages at a store that cannot answer: nothing listens on the endpoint (the
    server stopped), or it refuses the signature (wrong secret key)."""
    if genre == "injoignable":
        options = {"endpoint_url": f"http://127.0.0.1:{ports_libres(1)[0]}"}
    else:
        options = {"secret_key": "pas-la-bonne-cle"}
    settings.STORAGES = {**settings.STORAGES, **serveur.stockages(bucket, **options)}


@pytest.mark.lent
@pytest.mark.parametrize("genre", ["injoignable", "cle_refusee"])
def test_un_stockage_s3_en_panne_donne_l_erreur_en_francais_et_n_ecrit_rien(
    stockage_s3, settings, caplog, genre
):
    serveur, bucket = stockage_s3
    monde, formulaires = _formulaires_de_depot()
    avant = serveur.cles(bucket)
    _panne(serveur, settings, bucket, genre)
    saisie = "Bilan de fin de trimestre"
    for nom, client, url, corps_, lignes in formulaires:
        compte = lignes()
        caplog.clear()
        fichier = SimpleUploadedFile("piece.pdf", PDF, content_type="application/pdf")
        donnees = corps_(fichier) | ({"titre": saisie} if "titre" in corps_(None) else {})
        reponse = client.post(url, donnees)

        assert reponse.status_code in (200, 400), (nom, reponse.status_code)
        texte = reponse.content.decode()
        assert MESSAGE in texte and "fr-error-text" in texte, nom
        if "titre" in donnees:
            assert f'value="{saisie}"' in texte, nom
        assert lignes() == compte, nom  # no half-written row
        journal = [r for r in caplog.records if r.name == "reussite.core.stockage"]
        assert journal and journal[0].levelname == "ERROR", nom
        attendu = "EndpointConnectionError" if genre == "injoignable" else "ClientError"
        assert attendu in journal[0].getMessage(), nom
        assert monde.p.parcours.enfant.nom not in caplog.text, nom
    assert serveur.cles(bucket) == avant
    _rien_sur_le_disque()

    # A download says the storage is unavailable (503), and the readiness probe fails.
    document = Document.objects.filter(parcours=monde.p.parcours).latest("pk")
    url = reverse("parcours:document_fichier", args=[monde.p.parcours.pk, document.pk])
    reponse = formulaires[1][1].get(url)
    assert reponse.status_code == 503
    assert "Document momentanément indisponible" in reponse.content.decode()
    assert Client().get("/sante/pret").status_code == 503

    # Once the store answers again, the same form records the file.
    settings.STORAGES = {**settings.STORAGES, **serveur.stockages(bucket)}
    nom, client, url, corps_, lignes = formulaires[1]
    fichier = SimpleUploadedFile("piece.pdf", PDF, content_type="application/pdf")
    assert client.post(url, corps_(fichier)).status_code == 302
    assert len(serveur.cles(bucket)) == len(avant) + 1
    assert Client().get("/sante/pret").status_code == 200


@pytest.mark.lent
def test_l_export_echoue_proprement_si_le_stockage_est_en_panne(stockage_s3, settings):
    from tests.factories.partage import pre

    serveur, bucket = stockage_s3
    equipe = pre()
    demande = DemandeExport.objects.create(
        demandeur=equipe.coordinateur, genre="actions", format="csv"
    )
    _panne(serveur, settings, bucket, "injoignable")
    assert export_construire(demande_id=demande.pk) == "echec"
    demande.refresh_from_db()
    assert demande.statut == StatutExport.ECHEC and not demande.fichier
    assert serveur.cles(bucket) == []


def test_la_verification_de_deploiement_signale_des_fichiers_sur_le_disque_du_noeud(settings):
    from reussite.core.checks import verifier_stockage_partage

    settings.REUSSITE_PRODUCTION, settings.S3_BUCKET = True, ""
    assert [a.id for a in verifier_stockage_partage(None)] == ["reussite.W020"]
    settings.S3_BUCKET = "reussite"
    assert verifier_stockage_partage(None) == []
    settings.REUSSITE_PRODUCTION, settings.S3_BUCKET = False, ""
    assert verifier_stockage_partage(None) == []  # make run, the tests
