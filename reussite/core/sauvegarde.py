"""Backups that restore: the database and every stored file, with a manifest that proves both.

A backup is a folder `<destination>/<UTC time>/` holding:
- `base.dump`: `pg_dump` in custom format, by the `pg_dump` of the *server's* major version
  (an older one refuses a newer server, a newer one writes archives an older `pg_restore` cannot
  read), connected as the owner role when DATABASE_OWNER_URL is set (it may read the whole
  schema, the access trail included);
- `fichiers/<storage>/<name>`: every file of every storage that holds files ("default": consent
  scans, documents, conventions; "exports": built exports), read through Django's storage API,
  so the same code copies a folder (`make run`) or a bucket (S3);
- `manifeste.json`: the time, the schema version (latest applied migration per app), the row
  count of every table, and per storage the object count and each object's SHA-256.

Consistency: the dump is taken on a snapshot exported by one repeatable-read transaction
(`pg_dump --snapshot`), and the counts, the schema version and the file names the rows refer to
are read in that same transaction: the manifest describes exactly what the dump holds. Files are
copied after the snapshot: stored files are never rewritten (random names), so every file a row
of the dump refers to is still there, unless a purge deleted it meanwhile (it is then listed under
`manquants`; schedule the backup away from the night's purges, see docs/exploitation.md).
The folder is written under a `.partiel` name and renamed when complete.

A restore checks every checksum first, restores the dump into an empty database (optionally
creating it), copies the files back through the storage API, then compares the database's counts
and schema version and the storages' checksums with the manifest.
"""

import contextlib
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path, PurePosixPath

import psycopg2
from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone

from .privileges import proprietaire, role_application
from .stockage import ERREURS_STOCKAGE

FORMAT = 1
NOM_DUMP = "base.dump"
NOM_MANIFESTE = "manifeste.json"
DOSSIER_FICHIERS = "fichiers"
SUFFIXE_PARTIEL = ".partiel"
BLOC = 1024 * 1024
FORMAT_DOSSIER = "%Y%m%dT%H%M%SZ"
MOTIF_DOSSIER = re.compile(r"^\d{8}T\d{6}Z$")


class ErreurSauvegarde(Exception):
    """A backup or a restore that cannot go on; the message says why, in French then English."""


@dataclass
class Rapport:
    dossier: Path
    duree: float = 0.0
    tables: int = 0
    lignes: int = 0
    objets: int = 0
    octets: int = 0
    manquants: list[str] = field(default_factory=list)


# --- Storages -------------------------------------------------------------------------------------


def stockages_sauvegardes() -> dict[str, object]:
    """Every storage that holds files, by name: the entries of STORAGES (static files aside, they
    are rebuilt by collectstatic) and the built exports' storage when STORAGES does not name it.
    tests/core/test_sauvegarde.py checks that every model's file field writes to one of them."""
    from .models import stockage_exports

    nommes = {nom: storages[nom] for nom in settings.STORAGES if nom != "staticfiles"}
    nommes.setdefault("exports", stockage_exports())
    return nommes


def _nom_du_stockage(stockage, nommes: dict) -> str | None:
    cle = _cle(stockage)
    for nom, candidat in nommes.items():
        if _cle(candidat) == cle:
            return nom
    return None


def _cle(stockage) -> tuple:
    # A LazyObject (default_storage, a named storage) answers with its wrapped object's values.
    classe = stockage.__class__
    return (
        classe.__name__,
        str(getattr(stockage, "location", "")),
        getattr(stockage, "bucket_name", None),
    )


def champs_fichiers() -> list[tuple[type[models.Model], models.FileField]]:
    return [
        (modele, champ)
        for modele in apps.get_models()
        for champ in modele._meta.get_fields()
        if isinstance(champ, models.FileField) and champ.concrete
    ]


def stockages_non_sauvegardes() -> list[str]:
    """The file fields whose storage is none of the saved ones (should be empty)."""
    nommes = stockages_sauvegardes()
    return [
        f"{modele._meta.label}.{champ.name}"
        for modele, champ in champs_fichiers()
        if _nom_du_stockage(champ.storage, nommes) is None
    ]


def lister(stockage, dossier: str = "") -> list[str]:
    """Every file name under `dossier`, recursively, through the storage API only."""
    try:
        sous_dossiers, fichiers = stockage.listdir(dossier)
    except FileNotFoundError:
        return []
    noms = [str(PurePosixPath(dossier, nom)) if dossier else nom for nom in fichiers]
    for sous_dossier in sous_dossiers:
        chemin = str(PurePosixPath(dossier, sous_dossier)) if dossier else sous_dossier
        noms += lister(stockage, chemin)
    return sorted(noms)


def _nom_sur(nom: str) -> PurePosixPath:
    chemin = PurePosixPath(nom)
    if chemin.is_absolute() or ".." in chemin.parts or not chemin.parts:
        raise ErreurSauvegarde(
            f"Nom de fichier refusé dans le stockage : {nom!r}. / Refused file name: {nom!r}."
        )
    return chemin


def _sha256_flux(flux, copie=None) -> tuple[str, int]:
    empreinte, taille = hashlib.sha256(), 0
    while bloc := flux.read(BLOC):
        empreinte.update(bloc)
        taille += len(bloc)
        if copie is not None:
            copie.write(bloc)
    return empreinte.hexdigest(), taille


def sha256_fichier(chemin: Path) -> str:
    with open(chemin, "rb") as flux:
        return _sha256_flux(flux)[0]


def sha256_stocke(stockage, nom: str) -> str:
    with stockage.open(nom, "rb") as flux:
        return _sha256_flux(flux)[0]


# --- PostgreSQL -----------------------------------------------------------------------------------


def parametres_base(alias: str = "default") -> dict:
    """Server, database and the role a backup or restore connects as: the owner when
    DATABASE_OWNER_URL is set, else the application's own role."""
    reglages = settings.DATABASES[alias]
    parametres = {
        "host": reglages.get("HOST") or None,
        "port": str(reglages.get("PORT") or "") or None,
        "dbname": reglages["NAME"],
        "user": reglages.get("USER") or None,
        "password": reglages.get("PASSWORD") or None,
        "sslmode": (reglages.get("OPTIONS") or {}).get("sslmode"),
    }
    identifiants = proprietaire()
    if identifiants is not None:
        parametres["user"] = identifiants["USER"] or None
        parametres["password"] = identifiants["PASSWORD"] or None
    return parametres


def connecter(parametres: dict, *, dbname: str | None = None):
    cles = {k: v for k, v in parametres.items() if v is not None}
    if dbname is not None:
        cles["dbname"] = dbname
    return psycopg2.connect(**cles)


def _environnement_libpq(parametres: dict) -> dict:
    """The connection for pg_dump and pg_restore, through libpq's variables (no password on a
    command line that `ps` shows)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    correspondances = {
        "host": "PGHOST",
        "port": "PGPORT",
        "user": "PGUSER",
        "password": "PGPASSWORD",
        "sslmode": "PGSSLMODE",
        "dbname": "PGDATABASE",
    }
    for cle, variable in correspondances.items():
        if parametres.get(cle):
            env[variable] = str(parametres[cle])
    return env


def version_majeure(connexion) -> int:
    with connexion.cursor() as curseur:
        curseur.execute("SHOW server_version_num")
        return int(curseur.fetchone()[0]) // 10000


def dossiers_candidats() -> list[Path]:
    """Where a PostgreSQL client of the right major version may be, in order: PG_BIN, the
    system's versioned folders (Debian's /usr/lib/postgresql/<major>/bin), the pgserver wheel of
    `make run` (its embedded server), then the PATH."""
    dossiers = []
    if getattr(settings, "REUSSITE_PG_BIN", ""):
        dossiers.append(Path(settings.REUSSITE_PG_BIN))
    dossiers += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    # Without importing it: pgserver's import has side effects (runtime folders, warnings).
    spec = importlib.util.find_spec("pgserver")
    if spec is not None and spec.origin:
        dossiers.append(Path(spec.origin).parent / "pginstall" / "bin")
    dossiers += [Path(d) for d in os.environ.get("PATH", "").split(os.pathsep) if d]
    return dossiers


def version_du_binaire(chemin: Path) -> int | None:
    try:
        sortie = subprocess.run(  # noqa: S603 (a PostgreSQL client found by path, no shell)
            [str(chemin), "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    trouve = re.search(r"\(PostgreSQL\)\s+(\d+)", sortie)
    return int(trouve.group(1)) if trouve else None


def binaire_postgresql(nom: str, majeure: int) -> Path:
    """The `nom` (pg_dump, pg_restore) of PostgreSQL `majeure`, or a clear error."""
    essayes = []
    for dossier in dossiers_candidats():
        chemin = dossier / nom
        if not chemin.is_file() or chemin in essayes:
            continue
        essayes.append(chemin)
        if version_du_binaire(chemin) == majeure:
            return chemin
    liste = ", ".join(str(c) for c in essayes) or "aucun / none"
    raise ErreurSauvegarde(
        f"Aucun {nom} de PostgreSQL {majeure} trouvé, alors que le serveur est en version "
        f"{majeure} (essayés : {liste}). Installez le client PostgreSQL {majeure} "
        f"(paquet postgresql-client-{majeure}) ou indiquez son dossier bin dans PG_BIN. / "
        f"No {nom} of PostgreSQL {majeure} found for a version {majeure} server (tried: {liste}). "
        f"Install the PostgreSQL {majeure} client or set PG_BIN to its bin folder."
    )


def _executer(commande: list[str], parametres: dict, etape: str) -> None:
    resultat = subprocess.run(  # noqa: S603 (our PostgreSQL client, arguments built here)
        commande, env=_environnement_libpq(parametres), capture_output=True, text=True
    )
    if resultat.returncode != 0:
        raise ErreurSauvegarde(
            f"Échec de {etape} (code {resultat.returncode}). / {etape} failed:\n"
            f"{resultat.stderr.strip()}"
        )


def _tables(curseur) -> list[str]:
    curseur.execute(
        # No parameters: psycopg2 leaves the % signs alone.
        "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%' "
        "ORDER BY 1"
    )
    return [ligne[0] for ligne in curseur.fetchall()]


def etat_de_la_base(curseur) -> dict:
    """Row count per table and latest applied migration per app, as the cursor's transaction
    sees them."""
    comptes = {}
    for table in _tables(curseur):
        curseur.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (names from pg_class, quoted)
        comptes[table] = curseur.fetchone()[0]
    curseur.execute(
        "SELECT DISTINCT ON (app) app, name FROM django_migrations ORDER BY app, name DESC"
    )
    return {"tables": comptes, "migrations": dict(curseur.fetchall())}


def _fichiers_references(curseur) -> dict[str, set[str]]:
    """The file names the rows refer to, per saved storage."""
    nommes = stockages_sauvegardes()
    references: dict[str, set[str]] = {nom: set() for nom in nommes}
    for modele, champ in champs_fichiers():
        nom = _nom_du_stockage(champ.storage, nommes)
        if nom is None:
            raise ErreurSauvegarde(
                f"Le champ {modele._meta.label}.{champ.name} écrit dans un stockage que la "
                f"sauvegarde ne copie pas. / {modele._meta.label}.{champ.name} writes to a "
                "storage the backup does not copy."
            )
        table, colonne = modele._meta.db_table, champ.column
        curseur.execute(
            f'SELECT DISTINCT "{colonne}" FROM "{table}" WHERE "{colonne}" <> %s',  # noqa: S608
            [""],
        )
        references[nom].update(ligne[0] for ligne in curseur.fetchall())
    return references


# --- Backup ---------------------------------------------------------------------------------------


def sauvegarder(*, destination: Path, alias: str = "default") -> Rapport:
    """Take one backup into a new folder of `destination` (see the module's docstring)."""
    debut = time.monotonic()
    horodatage = timezone.now()
    dossier = Path(destination) / horodatage.astimezone(UTC).strftime(FORMAT_DOSSIER)
    partiel = dossier.with_name(dossier.name + SUFFIXE_PARTIEL)
    if dossier.exists() or partiel.exists():
        raise ErreurSauvegarde(
            f"Le dossier {dossier} existe déjà. / The folder {dossier} already exists."
        )
    partiel.mkdir(parents=True)
    parametres = parametres_base(alias)
    rapport = Rapport(dossier=dossier)
    try:
        connexion = connecter(parametres)
        try:
            connexion.set_session(isolation_level="REPEATABLE READ", readonly=True)
            with connexion.cursor() as curseur:
                curseur.execute("SELECT pg_export_snapshot(), current_user")
                instantane, role = curseur.fetchone()
                majeure = version_majeure(connexion)
                curseur.execute("SHOW server_version")
                version_serveur = curseur.fetchone()[0]
                pg_dump = binaire_postgresql("pg_dump", majeure)
                # While this transaction stays open, pg_dump reads exactly what it sees.
                _executer(
                    [
                        str(pg_dump),
                        "--format=custom",
                        f"--snapshot={instantane}",
                        f"--file={partiel / NOM_DUMP}",
                        "--no-password",
                    ],
                    parametres,
                    "pg_dump",
                )
                etat = etat_de_la_base(curseur)
                references = _fichiers_references(curseur)
        finally:
            connexion.close()

        stockages_manifeste = {}
        for nom, stockage in stockages_sauvegardes().items():
            objets = {}
            with _stockage_joignable(nom):
                for nom_fichier in lister(stockage):
                    cible = partiel / DOSSIER_FICHIERS / nom / _nom_sur(nom_fichier)
                    cible.parent.mkdir(parents=True, exist_ok=True)
                    with stockage.open(nom_fichier, "rb") as source, open(cible, "wb") as copie:
                        empreinte, taille = _sha256_flux(source, copie)
                    objets[nom_fichier] = {"sha256": empreinte, "taille": taille}
                    rapport.octets += taille
            manquants = sorted(references.get(nom, set()) - set(objets))
            rapport.manquants += [f"{nom}:{m}" for m in manquants]
            stockages_manifeste[nom] = {
                "objets": len(objets),
                "octets": sum(o["taille"] for o in objets.values()),
                "fichiers": objets,
                "manquants": manquants,
            }
            rapport.objets += len(objets)

        rapport.tables = len(etat["tables"])
        rapport.lignes = sum(etat["tables"].values())
        rapport.duree = round(time.monotonic() - debut, 3)
        manifeste = {
            "format": FORMAT,
            "horodatage": horodatage.isoformat(),
            "duree_secondes": rapport.duree,
            "base": {
                "fichier": NOM_DUMP,
                "sha256": sha256_fichier(partiel / NOM_DUMP),
                "taille": (partiel / NOM_DUMP).stat().st_size,
                "serveur": version_serveur,
                "majeure": majeure,
                "pg_dump": str(pg_dump),
                "role": role,
                "role_application": role_application(),
                "migrations": etat["migrations"],
                "tables": etat["tables"],
            },
            "stockages": stockages_manifeste,
        }
        (partiel / NOM_MANIFESTE).write_text(
            json.dumps(manifeste, indent=2, ensure_ascii=False, sort_keys=True), encoding="utf-8"
        )
        partiel.rename(dossier)
    except BaseException:
        shutil.rmtree(partiel, ignore_errors=True)
        raise
    return rapport


def purger_anciennes(*, destination: Path, conserver: int) -> list[Path]:
    """Delete the complete backups of `destination` beyond the `conserver` newest."""
    completes = sorted(
        d
        for d in Path(destination).iterdir()
        if d.is_dir() and MOTIF_DOSSIER.match(d.name) and (d / NOM_MANIFESTE).is_file()
    )
    supprimees = completes[:-conserver] if conserver > 0 else []
    for dossier in supprimees:
        shutil.rmtree(dossier)
    return supprimees


# --- Restore --------------------------------------------------------------------------------------


def lire_manifeste(dossier: Path) -> dict:
    chemin = Path(dossier) / NOM_MANIFESTE
    if not chemin.is_file():
        raise ErreurSauvegarde(
            f"Pas de manifeste dans {dossier} : sauvegarde incomplète ? / "
            f"No manifest in {dossier}: an incomplete backup?"
        )
    manifeste = json.loads(chemin.read_text(encoding="utf-8"))
    if manifeste.get("format") != FORMAT:
        raise ErreurSauvegarde(
            f"Format de manifeste inconnu : {manifeste.get('format')!r}. / Unknown manifest format."
        )
    return manifeste


def verifier_la_sauvegarde(dossier: Path, manifeste: dict) -> list[str]:
    """Checksum mismatches or missing files in the backup folder itself."""
    ecarts = []
    dump = Path(dossier) / manifeste["base"]["fichier"]
    if not dump.is_file() or sha256_fichier(dump) != manifeste["base"]["sha256"]:
        ecarts.append(f"base : {dump.name}")
    for nom, contenu in manifeste["stockages"].items():
        for nom_fichier, objet in contenu["fichiers"].items():
            chemin = Path(dossier) / DOSSIER_FICHIERS / nom / _nom_sur(nom_fichier)
            if not chemin.is_file() or sha256_fichier(chemin) != objet["sha256"]:
                ecarts.append(f"{nom} : {nom_fichier}")
    return ecarts


def comparer(manifeste: dict, *, alias: str = "default") -> list[str]:
    """What differs between the manifest and the database and storages as they are now."""
    ecarts = []
    connexion = connecter(parametres_base(alias))
    try:
        with connexion.cursor() as curseur:
            etat = etat_de_la_base(curseur)
    finally:
        connexion.close()
    attendu = manifeste["base"]
    for table in sorted(set(attendu["tables"]) | set(etat["tables"])):
        avant, apres = attendu["tables"].get(table), etat["tables"].get(table)
        if avant != apres:
            ecarts.append(f"table {table} : {avant} ligne(s) attendue(s), {apres} trouvée(s)")
    if etat["migrations"] != attendu["migrations"]:
        ecarts.append(f"migrations : {attendu['migrations']} attendues, {etat['migrations']}")
    nommes = stockages_sauvegardes()
    for nom, contenu in manifeste["stockages"].items():
        stockage = nommes[nom]
        presents = set(lister(stockage))
        for nom_fichier, objet in contenu["fichiers"].items():
            if nom_fichier not in presents:
                ecarts.append(f"{nom} : {nom_fichier} absent")
            elif sha256_stocke(stockage, nom_fichier) != objet["sha256"]:
                ecarts.append(f"{nom} : {nom_fichier} somme de contrôle différente")
    return ecarts


def _preparer_la_base(parametres: dict, *, creer: bool) -> int:
    """The target database's major version; created (as the connecting role) when `creer`,
    refused unless empty otherwise."""
    nom = parametres["dbname"]
    if creer:
        maintenance = connecter(parametres, dbname="postgres")
        maintenance.autocommit = True
        try:
            with maintenance.cursor() as curseur:
                curseur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [nom])
                if curseur.fetchone():
                    raise ErreurSauvegarde(
                        f"La base {nom} existe déjà. / The database {nom} already exists."
                    )
                curseur.execute('CREATE DATABASE "{}"'.format(nom.replace('"', '""')))
        finally:
            maintenance.close()
    connexion = connecter(parametres)
    try:
        with connexion.cursor() as curseur:
            tables = _tables(curseur)
        majeure = version_majeure(connexion)
    finally:
        connexion.close()
    if tables:
        raise ErreurSauvegarde(
            f"La base {nom} n’est pas vide ({len(tables)} tables) : restaurez dans une base neuve "
            f"(--creer-base). / The database {nom} is not empty: restore into a new one."
        )
    return majeure


def restaurer(*, dossier: Path, creer_base: bool = False, alias: str = "default") -> Rapport:
    """Restore the backup in `dossier` into DATABASE_URL's database (empty, or created) and the
    configured storages, then check everything against the manifest."""
    debut = time.monotonic()
    dossier = Path(dossier)
    manifeste = lire_manifeste(dossier)
    if ecarts := verifier_la_sauvegarde(dossier, manifeste):
        raise ErreurSauvegarde(
            "Sauvegarde altérée, rien n’a été restauré. / Corrupted backup, nothing restored: "
            + "; ".join(ecarts)
        )
    nommes = stockages_sauvegardes()
    if inconnus := sorted(set(manifeste["stockages"]) - set(nommes)):
        raise ErreurSauvegarde(
            f"Stockages inconnus de cette configuration : {inconnus}. / Unknown storages."
        )
    parametres = parametres_base(alias)
    majeure = _preparer_la_base(parametres, creer=creer_base)
    if manifeste["base"]["majeure"] > majeure:
        raise ErreurSauvegarde(
            f"La sauvegarde vient de PostgreSQL {manifeste['base']['majeure']}, le serveur cible "
            f"est en version {majeure} : restaurez sur un serveur au moins aussi récent. / "
            "Restore onto a server of the same or a newer major version."
        )
    pg_restore = binaire_postgresql("pg_restore", majeure)
    _executer(
        [
            str(pg_restore),
            "--exit-on-error",
            "--single-transaction",
            "--no-password",
            f"--dbname={parametres['dbname']}",
            str(dossier / manifeste["base"]["fichier"]),
        ],
        parametres,
        "pg_restore",
    )
    rapport = Rapport(dossier=dossier)
    for nom, contenu in manifeste["stockages"].items():
        with _stockage_joignable(nom):
            _restaurer_les_fichiers(dossier, nom, nommes[nom], contenu, rapport)
    if ecarts := comparer(manifeste, alias=alias):
        raise ErreurSauvegarde(
            "La restauration ne correspond pas au manifeste. / The restore does not match the "
            "manifest: " + "; ".join(ecarts)
        )
    rapport.tables = len(manifeste["base"]["tables"])
    rapport.lignes = sum(manifeste["base"]["tables"].values())
    rapport.duree = round(time.monotonic() - debut, 3)
    return rapport


def _restaurer_les_fichiers(dossier: Path, nom: str, stockage, contenu: dict, rapport) -> None:
    """Put each file of the backup back under its own name (one already there with the same
    checksum is kept; with another content, replaced: the backup is the reference)."""
    for nom_fichier, objet in contenu["fichiers"].items():
        rapport.objets += 1
        rapport.octets += objet["taille"]
        if stockage.exists(nom_fichier):
            if sha256_stocke(stockage, nom_fichier) == objet["sha256"]:
                continue
            stockage.delete(nom_fichier)
        source = dossier / DOSSIER_FICHIERS / nom / _nom_sur(nom_fichier)
        with open(source, "rb") as flux:
            enregistre = stockage.save(nom_fichier, File(flux, name=nom_fichier))
        if enregistre != nom_fichier:
            raise ErreurSauvegarde(
                f"{nom} : {nom_fichier} enregistré sous {enregistre}. / Saved under another name."
            )


@contextlib.contextmanager
def _stockage_joignable(nom: str):
    """A storage that cannot be read or written stops the backup or the restore with a clear
    error (the cause chained), instead of a traceback."""
    try:
        yield
    except ErreurSauvegarde:
        raise
    except ERREURS_STOCKAGE as erreur:
        raise ErreurSauvegarde(
            f"Le stockage « {nom} » est injoignable ou refuse l’opération ({erreur}). / The "
            f"storage {nom!r} is unreachable or refused the operation."
        ) from erreur
