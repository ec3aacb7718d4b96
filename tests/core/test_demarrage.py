"""`make run` starts clean (issue 15, points 4 and 20).

The run command is started as a newcomer would, on a database of its own, with a beat schedule
whose every entry fires within seconds (REUSSITE_BEAT_INTERVALLE). Its output, read for a bounded
time, has no traceback and no ERROR line and ends on the banner with the logins; the logs of its
processes have none either; the demo answers a mistyped URL with the product's 404 page (DEBUG
off), serves the static files (whitenoise) and sends the demo's mail to files.
"""

import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings

from reussite.core.privileges import proprietaire
from reussite.devtools.services import free_port

pytestmark = pytest.mark.lent

RACINE = Path(__file__).resolve().parents[2]
INTERVALLE = 3
# After the banner, long enough for every beat entry to fire a few times and the worker to run it.
APRES_LA_BANNIERE = 25
FIN_DE_BANNIERE = "Press Ctrl-C to stop"


def _identifiants(*, proprietaire_: bool) -> dict:
    """The application role's user and password, or the owner role's (reussite/core/
    privileges.py), which creates databases: the application role may not."""
    reglages = settings.DATABASES["default"]
    identifiants = {"USER": reglages["USER"], "PASSWORD": reglages["PASSWORD"]}
    return (proprietaire_ and proprietaire()) or identifiants


def _maintenance(*, proprietaire_: bool = True):
    reglages = settings.DATABASES["default"]
    identifiants = _identifiants(proprietaire_=proprietaire_)
    connexion = psycopg2.connect(
        dbname="postgres",
        user=identifiants["USER"] or None,
        password=identifiants["PASSWORD"] or None,
        host=reglages.get("HOST") or None,
        port=reglages.get("PORT") or None,
    )
    connexion.autocommit = True
    return connexion


def _url_de(base: str, *, proprietaire_: bool = False) -> str:
    reglages = settings.DATABASES["default"]
    identifiants = _identifiants(proprietaire_=proprietaire_)
    utilisateur = identifiants["USER"] + (
        f":{identifiants['PASSWORD']}" if identifiants["PASSWORD"] else ""
    )
    hote, port = reglages["HOST"] or "localhost", reglages["PORT"] or "5432"
    if hote.startswith("/"):
        return f"postgres://{utilisateur}@/{base}?host={hote}&port={port}"
    return f"postgres://{utilisateur}@{hote}:{port}/{base}"


def _fermer_les_sessions(connexion, nom: str) -> None:
    """A role may end its own sessions only."""
    with connexion.cursor() as curseur:
        curseur.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND usename = current_user",
            [nom],
        )


@pytest.fixture
def base_vide():
    """A database of its own, created (and owned) by the owner role, as make run's embedded
    database and docker-compose's are."""
    nom = f"{settings.DATABASES['default']['NAME']}_run_{uuid.uuid4().hex[:6]}"
    connexion = _maintenance()
    try:
        with connexion.cursor() as curseur:
            curseur.execute(f'CREATE DATABASE "{nom}"')
        yield nom
        application = _maintenance(proprietaire_=False)
        try:
            _fermer_les_sessions(application, nom)
        finally:
            application.close()
        _fermer_les_sessions(connexion, nom)
        with connexion.cursor() as curseur:
            curseur.execute(f'DROP DATABASE IF EXISTS "{nom}"')
    finally:
        connexion.close()


def _lire(flux, lignes: list[str]) -> None:
    for ligne in iter(flux.readline, ""):
        lignes.append(ligne.rstrip("\n"))


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as reponse:  # noqa: S310 - loopback
            return reponse.status, reponse.read().decode(errors="replace")
    except urllib.error.HTTPError as erreur:
        with erreur:
            return erreur.code, erreur.read().decode(errors="replace")


def _sans_erreur(texte: str, ou: str) -> None:
    assert "Traceback" not in texte, f"{ou}:\n{texte[-4000:]}"
    lignes = [ligne for ligne in texte.splitlines() if re.search(r"\bERROR\b", ligne)]
    assert not lignes, f"{ou}:\n" + "\n".join(lignes[:20])


class _SansRedirection(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_make_run_demarre_sans_erreur_et_finit_sur_sa_banniere(base_vide, tmp_path):
    port = free_port()
    journaux = tmp_path / "log"
    courriels = tmp_path / "courriels"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "EMAIL_BACKEND", "DEBUG"}
    }
    env |= {
        "PORT": str(port),
        # Two roles, as in production: the run command migrates as the owner and runs the
        # rest as the application role (in a single-role setup, both are the same).
        "DATABASE_URL": _url_de(base_vide),
        "DATABASE_OWNER_URL": _url_de(base_vide, proprietaire_=True),
        "CELERY_BROKER_URL": "filesystem://",
        "CELERY_FILESYSTEM_DIR": str(tmp_path / "courtier"),
        "EMAIL_FILE_PATH": str(courriels),
        "REUSSITE_RUN_LOGS": str(journaux),
        "REUSSITE_BEAT_INTERVALLE": str(INTERVALLE),
    }
    processus = subprocess.Popen(
        [sys.executable, "-m", "reussite.devtools.run"],
        cwd=RACINE,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lignes: list[str] = []
    lecteur = threading.Thread(target=_lire, args=(processus.stdout, lignes), daemon=True)
    lecteur.start()
    try:
        limite = time.monotonic() + 600
        while not any(FIN_DE_BANNIERE in ligne for ligne in lignes):
            assert processus.poll() is None, "\n".join(lignes[-60:])
            assert time.monotonic() < limite, "no banner within 10 minutes"
            time.sleep(0.5)
        time.sleep(APRES_LA_BANNIERE)

        racine = f"http://127.0.0.1:{port}"
        # DEBUG off: the product's 404 page, not Django's debug page listing the URLs.
        statut, page = _get(f"{racine}/cette-page-n-existe-pas/")
        assert statut == 404
        assert "Page introuvable" in page
        assert "URLconf" not in page and "Using the URLconf" not in page
        # Static files: whitenoise, with DEBUG off.
        statut, css = _get(f"{racine}/static/css/reussite.css")
        assert statut == 200 and css.strip()
        # The mail page exists in the demo (anonymous: to the login page).
        ouvreur = urllib.request.build_opener(_SansRedirection)
        with pytest.raises(urllib.error.HTTPError) as redirection:
            ouvreur.open(f"{racine}/demo/courriels/", timeout=30)
        with redirection.value:
            assert redirection.value.code == 302
            assert "/connexion/" in redirection.value.headers["Location"]
        sortie = "\n".join(lignes)
        assert processus.poll() is None, sortie[-4000:]
    finally:
        if processus.poll() is None:
            os.killpg(processus.pid, signal.SIGTERM)
        try:
            code = processus.wait(90)
        except subprocess.TimeoutExpired:
            os.killpg(processus.pid, signal.SIGKILL)
            code = processus.wait()
        lecteur.join(5)
        processus.stdout.close()

    _sans_erreur(sortie, "output of the run command")
    # The banner is the last thing printed: its closing rule, then nothing.
    fin = [ligne for ligne in sortie.splitlines() if ligne.strip()]
    assert FIN_DE_BANNIERE in fin[-2], fin[-10:]
    assert set(fin[-1]) == {"="}, fin[-10:]
    assert "/demo/courriels/" in sortie
    assert code == 0, "\n".join(lignes[-20:])

    for nom in ("web", "worker", "beat"):
        _sans_erreur((journaux / f"{nom}.log").read_text(errors="replace"), f"{nom}.log")
    worker = (journaux / "worker.log").read_text(errors="replace")
    beat = (journaux / "beat.log").read_text(errors="replace")
    # Every entry of the schedule was sent by beat and ran in the worker.
    for entree in settings.CELERY_BEAT_SCHEDULE.values():
        assert "Sending due task" in beat and entree["task"] in beat, entree["task"]
        assert re.search(rf"Task {re.escape(entree['task'])}\[[^\]]+\] succeeded", worker), entree[
            "task"
        ]
    # The demo's mail went to files, none to the output.
    assert any(courriels.glob("*.log"))
    assert "Message-ID:" not in sortie
