"""Backups that restore (issue 20): `manage.py sauvegarder` and `manage.py restaurer`.

The drill (marked `restauration`, deselect with -m 'not restauration') builds a data set, backs
it up, drops the database's content and the stored files, restores into a new database and new
storage folders, and checks what an operator needs after a disaster: the counts and checksums of
the manifest, the access trail still append-only, the two roles' rights, guardian's permission
rows, a coordinator logging in and opening a pathway with its consent scan, the nightly tasks.
"""

import hashlib
import json
import time
import uuid
from datetime import timedelta
from pathlib import Path

import django_otp
import psycopg2
import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_failure, task_success
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parcours.models import ParcoursUserObjectPermission
from reussite.celery import app
from reussite.core.models import DemandeExport, StatutExport, TraceAcces
from reussite.core.privileges import connexion_proprietaire, proprietaire, role_application
from reussite.core.sauvegarde import (
    NOM_MANIFESTE,
    ErreurSauvegarde,
    binaire_postgresql,
    comparer,
    lister,
    purger_anciennes,
    restaurer,
    stockages_non_sauvegardes,
    stockages_sauvegardes,
    version_du_binaire,
)
from tests.conftest import BASES, appareil_totp, code_totp
from tests.factories.core import MOT_DE_PASSE
from tests.factories.parcours import ParcoursFactory
from tests.factories.partage import (
    ajouter_intervenant,
    consentement,
    fichier_png,
    partenaire,
    pre,
    professionnel,
)


def test_chaque_champ_fichier_ecrit_dans_un_stockage_que_la_sauvegarde_copie():
    assert stockages_non_sauvegardes() == []


@pytest.mark.django_db
def test_le_pg_dump_choisi_est_celui_de_la_version_majeure_du_serveur():
    with connections["default"].cursor() as curseur:
        curseur.execute("SHOW server_version_num")
        majeure = int(curseur.fetchone()[0]) // 10000
    assert version_du_binaire(binaire_postgresql("pg_dump", majeure)) == majeure
    assert version_du_binaire(binaire_postgresql("pg_restore", majeure)) == majeure


def test_le_pg_dump_16_du_serveur_embarque_de_make_run_est_trouve():
    # `make run`'s embedded server is pgserver's PostgreSQL 16.
    chemin = binaire_postgresql("pg_dump", 16)
    assert version_du_binaire(chemin) == 16


def test_sans_pg_dump_de_la_bonne_version_l_erreur_le_dit_en_francais_et_en_anglais():
    with pytest.raises(ErreurSauvegarde) as erreur:
        binaire_postgresql("pg_dump", 99)
    message = str(erreur.value)
    assert "Aucun pg_dump de PostgreSQL 99 trouvé" in message
    assert "No pg_dump of PostgreSQL 99 found" in message
    assert "PG_BIN" in message


def test_une_sauvegarde_alteree_est_refusee_avant_de_rien_toucher(tmp_path):
    dossier = tmp_path / "20260101T000000Z"
    (dossier / "fichiers" / "default").mkdir(parents=True)
    (dossier / "base.dump").write_bytes(b"dump")
    (dossier / "fichiers" / "default" / "a.pdf").write_bytes(b"modifie")
    manifeste = {
        "format": 1,
        "base": {"fichier": "base.dump", "sha256": hashlib.sha256(b"dump").hexdigest()},
        "stockages": {
            "default": {"fichiers": {"a.pdf": {"sha256": hashlib.sha256(b"original").hexdigest()}}}
        },
    }
    (dossier / NOM_MANIFESTE).write_text(json.dumps(manifeste))
    # No database access is allowed here: the check comes first.
    with pytest.raises(ErreurSauvegarde, match=r"Sauvegarde altérée.*default : a\.pdf"):
        restaurer(dossier=dossier)


def test_une_sauvegarde_sans_manifeste_est_incomplete(tmp_path):
    with pytest.raises(CommandError, match="Pas de manifeste"):
        call_command("restaurer", str(tmp_path))


def test_la_retention_garde_les_n_plus_recentes_completes(tmp_path):
    for nom in ["20260101T010000Z", "20260102T010000Z", "20260103T010000Z"]:
        (tmp_path / nom).mkdir()
        (tmp_path / nom / NOM_MANIFESTE).write_text("{}")
    (tmp_path / "20260104T010000Z.partiel").mkdir()
    supprimees = purger_anciennes(destination=tmp_path, conserver=2)
    assert [d.name for d in supprimees] == ["20260101T010000Z"]
    assert sorted(d.name for d in tmp_path.iterdir()) == [
        "20260102T010000Z",
        "20260103T010000Z",
        "20260104T010000Z.partiel",
    ]


@pytest.mark.django_db
def test_un_stockage_en_panne_arrete_la_sauvegarde_sans_laisser_de_dossier(tmp_path, monkeypatch):
    from django.core.files.storage import FileSystemStorage, default_storage

    default_storage.save("documents/bilan.pdf", ContentFile(b"%PDF-1.4"))

    def en_panne(self, name, mode="rb"):
        raise OSError("stockage injoignable")

    monkeypatch.setattr(FileSystemStorage, "open", en_panne)
    with pytest.raises(CommandError, match="Le stockage « default » est injoignable"):
        call_command("sauvegarder", destination=tmp_path / "sauvegardes")
    assert list((tmp_path / "sauvegardes").iterdir()) == []


@pytest.mark.django_db
def test_la_restauration_refuse_une_base_qui_n_est_pas_vide(tmp_path):
    (tmp_path / "base.dump").write_bytes(b"dump")
    manifeste = {
        "format": 1,
        "base": {"fichier": "base.dump", "sha256": hashlib.sha256(b"dump").hexdigest()},
        "stockages": {},
    }
    (tmp_path / NOM_MANIFESTE).write_text(json.dumps(manifeste))
    # The test database holds the migrated schema: nothing may be restored over it.
    with pytest.raises(CommandError, match="n’est pas vide"):
        call_command("restaurer", str(tmp_path))


@pytest.mark.django_db(transaction=True)
def test_un_fichier_reference_mais_absent_du_stockage_est_signale(tmp_path, capsys):
    monde = pre()
    parcours = ParcoursFactory(programme=monde.programme)
    consentement(parcours, auteur=monde.coordinateur, fichier=fichier_png())
    fichier = parcours.consentements.get().fichier
    fichier.storage.delete(fichier.name)

    dossier = Path(call_command("sauvegarder", destination=tmp_path))
    manifeste = json.loads((dossier / NOM_MANIFESTE).read_text())
    assert manifeste["stockages"]["default"]["manquants"] == [fichier.name]
    assert manifeste["stockages"]["default"]["objets"] == 0
    assert f"absent du stockage : default:{fichier.name}" in capsys.readouterr().err


# --- The drill ------------------------------------------------------------------------------------


def _permissions():
    return sorted(
        ParcoursUserObjectPermission.objects.values_list(
            "user_id", "permission__codename", "content_object_id", "expire_le"
        )
    )


def _sessions_fermees_et_base_supprimee(nom: str) -> None:
    """Drop the restored database as the owner (who created it). The application role's sessions
    (this thread's, the worker's) are closed first, each role ending its own."""
    reglages = settings.DATABASES["default"]
    roles = [(reglages.get("USER"), reglages.get("PASSWORD"))]
    if (identifiants := proprietaire()) is not None:
        roles.append((identifiants["USER"], identifiants["PASSWORD"]))
    for utilisateur, mot_de_passe in roles:
        connexion = psycopg2.connect(
            dbname="postgres",
            user=utilisateur or None,
            password=mot_de_passe or None,
            host=reglages.get("HOST") or None,
            port=reglages.get("PORT") or None,
        )
        connexion.autocommit = True
        with connexion.cursor() as curseur:
            curseur.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND usename = current_user AND pid <> pg_backend_pid()",
                [nom],
            )
            if utilisateur == roles[-1][0]:
                curseur.execute('DROP DATABASE IF EXISTS "{}"'.format(nom.replace('"', '""')))
        connexion.close()


def _vers_la_base(nom: str) -> None:
    for alias in BASES:
        connections[alias].close()
        settings.DATABASES[alias]["NAME"] = nom
        connections[alias].settings_dict["NAME"] = nom


def _taches_du_calendrier_sur_un_vrai_worker() -> tuple[set[str], list[str], list[tuple]]:
    """Every entry of the beat schedule, the nightly ones included, sent as beat sends it (the
    real settings, the entry's arguments) to a real worker on a private queue."""
    app.loader.import_default_modules()
    entrees = settings.CELERY_BEAT_SCHEDULE
    file = f"restauration-{uuid.uuid4().hex[:8]}"
    reussies, echecs = [], []

    def reussie(sender=None, **kwargs):
        reussies.append(sender.name)

    def echouee(sender=None, exception=None, **kwargs):
        echecs.append((sender.name, repr(exception)))

    task_success.connect(reussie)
    task_failure.connect(echouee)
    attendues = {e["task"] for e in entrees.values()}
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=30, queues=[file]
        ):
            for entree in entrees.values():
                app.tasks[entree["task"]].apply_async(
                    args=entree.get("args", ()),
                    kwargs=entree.get("kwargs", {}),
                    queue=file,
                    **{k: v for k, v in entree.get("options", {}).items() if k != "queue"},
                )
            limite = time.monotonic() + 120
            while time.monotonic() < limite and not attendues <= set(reussies) | {
                n for n, _e in echecs
            }:
                time.sleep(0.2)
    finally:
        task_success.disconnect(reussie)
        task_failure.disconnect(echouee)
    return attendues, reussies, echecs


def _stockages_neufs_sur_disque(settings, tmp_path, etape: str):
    settings.MEDIA_ROOT = tmp_path / f"media-{etape}"
    settings.EXPORTS_ROOT = tmp_path / f"exports-{etape}"


def _stockages_neufs_sur_s3(request):
    """A fresh bucket of the S3 server of the storage tests (SeaweedFS) for each step."""
    serveur = request.getfixturevalue("serveur_s3")

    def neufs(settings, tmp_path, etape: str):
        settings.STORAGES = {**settings.STORAGES, **serveur.stockages(serveur.creer_bucket())}

    return neufs


@pytest.fixture(params=["disque", "s3"])
def stockages_neufs(request):
    """(settings, tmp_path, step) → the storages point at new, empty places."""
    if request.param == "s3":
        return _stockages_neufs_sur_s3(request)
    return _stockages_neufs_sur_disque


@pytest.mark.lent
@pytest.mark.restauration
@pytest.mark.django_db(transaction=True)
def test_exercice_de_restauration(settings, tmp_path, stockages_neufs):
    stockages_neufs(settings, tmp_path, "origine")

    # A data set: a programme, a pathway with a scanned consent, a partner with guardian rows,
    # a built export, and access-trail entries written by a coordinator's visit.
    monde = pre()
    coordinateur = monde.coordinateur
    appareil = appareil_totp(coordinateur)
    parcours = ParcoursFactory(programme=monde.programme)
    structure = partenaire(monde.programme)
    pro = professionnel(structure)
    consentement(parcours, auteur=coordinateur, structures=[structure], fichier=fichier_png())
    ajouter_intervenant(parcours, pro, auteur=coordinateur)
    consent = parcours.consentements.get()
    scan = consent.fichier.read()
    consent.fichier.close()
    demande = DemandeExport.objects.create(
        demandeur=coordinateur,
        genre="parcours",
        format="csv",
        statut=StatutExport.TERMINE,
        expire_le=timezone.now() + timedelta(days=7),
    )
    demande.fichier.save("exports/parcours-test.csv", ContentFile(b"id;statut\n1;en_cours\n"))
    visite = Client()
    visite.force_login(coordinateur, backend="django.contrib.auth.backends.ModelBackend")
    session = visite.session
    session[django_otp.DEVICE_ID_SESSION_KEY] = appareil.persistent_id
    session.save()
    assert visite.get(reverse("parcours:detail", args=[parcours.pk])).status_code == 200
    permissions = _permissions()
    assert permissions, "the data set has guardian rows"
    entrees_journal = TraceAcces.objects.count()
    assert entrees_journal > 0

    # Back up.
    debut = time.monotonic()
    dossier = Path(call_command("sauvegarder", destination=tmp_path / "sauvegardes"))
    duree_sauvegarde = time.monotonic() - debut
    manifeste = json.loads((dossier / NOM_MANIFESTE).read_text())
    base_initiale = settings.DATABASES["default"]["NAME"]
    assert manifeste["base"]["tables"]["public.core_traceacces"] == entrees_journal
    assert manifeste["base"]["migrations"]["core"].startswith("00")
    assert manifeste["stockages"]["default"]["objets"] == 1
    if proprietaire() is not None:  # taken as the owner role, which reads everything
        assert manifeste["base"]["role"] == proprietaire()["USER"]
    assert manifeste["stockages"]["exports"]["objets"] == 1
    assert manifeste["stockages"]["default"]["manquants"] == []
    (nom_scan, objet) = next(iter(manifeste["stockages"]["default"]["fichiers"].items()))
    assert nom_scan == consent.fichier.name
    assert objet["sha256"] == hashlib.sha256(scan).hexdigest()

    # Drop everything: the rows (as the owner, the trail included) and the stored files.
    call_command("flush", interactive=False, database="default", verbosity=0)
    assert TraceAcces.objects.count() == 0
    for stockage in stockages_sauvegardes().values():
        for nom in lister(stockage):
            stockage.delete(nom)
        assert lister(stockage) == []

    # Restore into a new database and new, empty storage folders.
    stockages_neufs(settings, tmp_path, "restaure")
    restauree = f"{base_initiale}_restauree"
    _sessions_fermees_et_base_supprimee(restauree)
    _vers_la_base(restauree)
    try:
        debut = time.monotonic()
        call_command("restaurer", str(dossier), creer_base=True, verbosity=0)
        duree_restauration = time.monotonic() - debut

        # The counts and checksums match the manifest (the command checked; again here).
        assert comparer(manifeste) == []
        assert TraceAcces.objects.count() == entrees_journal
        assert [lister(s) for s in stockages_sauvegardes().values()] == [
            sorted(contenu["fichiers"]) for contenu in manifeste["stockages"].values()
        ]

        # The trail's trigger: even its owner cannot rewrite it.
        with (
            connexion_proprietaire("default"),
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connections["default"].cursor() as curseur,
        ):
            curseur.execute("UPDATE core_traceacces SET page = 'effacé'")
        connections["default"].close()

        # The roles' grants: the application role appends and reads the trail, nothing else.
        with connections["default"].cursor() as curseur:
            curseur.execute(
                "SELECT current_user, has_table_privilege('core_traceacces', 'INSERT'), "
                "has_table_privilege('core_traceacces', 'DELETE'), "
                "has_table_privilege('core_traceacces', 'UPDATE'), "
                "has_table_privilege('parcours_parcours', 'UPDATE'), "
                "pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'core_traceacces'"
            )
            etat = curseur.fetchone()
        assert etat[:5] == (role_application(), True, False, False, True)
        if proprietaire() is not None:
            assert etat[5] == proprietaire()["USER"]
        with (
            pytest.raises(DatabaseError, match="permission denied for table core_traceacces"),
            transaction.atomic(),
            connections["default"].cursor() as curseur,
        ):
            curseur.execute("DELETE FROM core_traceacces")
        assert TraceAcces.objects.count() == entrees_journal

        # Guardian's rows, and what they answer.
        assert _permissions() == permissions
        pro.user.refresh_from_db()
        assert pro.user.has_perm("parcours.view_parcours", parcours)

        # A coordinator logs in (password, then the second factor) and opens the pathway, its
        # consent scan and the built export.
        client = Client()
        reponse = client.post(
            reverse("login"), {"username": coordinateur.email, "password": MOT_DE_PASSE}
        )
        assert reponse.status_code == 302
        reponse = client.post(reverse("securite:verification"), {"code": code_totp(appareil)})
        assert reponse.status_code == 302, reponse.content.decode()[:500]
        assert client.get(reverse("parcours:detail", args=[parcours.pk])).status_code == 200
        fichier = client.get(
            reverse("parcours:consentement_fichier", args=[parcours.pk, consent.pk])
        )
        assert fichier.status_code == 200
        assert b"".join(fichier.streaming_content) == scan
        export = client.get(reverse("exports:fichier", args=[demande.pk]))
        assert b"".join(export.streaming_content) == b"id;statut\n1;en_cours\n"
        assert TraceAcces.objects.count() > entrees_journal

        # The nightly tasks run against the restored database.
        attendues, reussies, echecs = _taches_du_calendrier_sur_un_vrai_worker()
        assert echecs == []
        assert set(reussies) >= attendues
    finally:
        _vers_la_base(base_initiale)
        _sessions_fermees_et_base_supprimee(restauree)
    # The drill's timings, for the runbook (shown with -s).
    print(f"\nsauvegarde {duree_sauvegarde:.2f} s, restauration {duree_restauration:.2f} s")
