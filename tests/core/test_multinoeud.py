"""Several nodes, no shared disk (issue 20): two gunicorn web nodes and one Celery worker, each
with its own MEDIA_ROOT, EXPORTS_ROOT and temporary folder (distinct empty directories), sharing
only PostgreSQL, Redis and the S3 server (SeaweedFS, tests/support/s3.py).

- a coordinator signs in on node A (password, then the TOTP code): the session is valid on B;
- the coordinator uploads a consent scan through A, the référent downloads it through B;
- an export requested on B is built by the worker and downloaded on A;
- a reminder whose send is enqueued twice (as by two nodes) leaves once;
- no node's folders received a file: everything is in the bucket.

Slow (three processes start): marked `multinoeud`, deselect with `-m "not multinoeud"`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests
from django.urls import reverse

from parcours.models import Consentement, Finalite
from reussite.core.models import DemandeExport, StatutExport, StatutRappel
from reussite.core.tasks import rappel_envoyer
from tests.conftest import appareil_totp, code_totp
from tests.core.test_rappels_worker import RACINE, _rappel, _url_base_de_test
from tests.factories.parcours import ParcoursFactory
from tests.factories.partage import (
    PDF,
    nommer_referent,
    partenaire,
    pre,
    professionnel,
    titulaire,
)
from tests.support.s3 import ports_libres

pytestmark = [
    pytest.mark.lent,
    pytest.mark.multinoeud,
    pytest.mark.django_db(transaction=True, databases=["default", "trace"]),
]

ATTENTE = 90
MOT_DE_PASSE = "Un mot de passe de test assez long"


@dataclass
class Noeud:
    nom: str
    processus: subprocess.Popen
    dossier: Path
    adresse: str = ""

    def fichiers(self) -> list[Path]:
        """Files the node wrote into its own media, exports and temporary folders."""
        return [
            p
            for sous in ("media", "exports")
            for p in (self.dossier / sous).rglob("*")
            if p.is_file()
        ]

    def journal(self) -> str:
        return (self.dossier / "journal.log").read_text(errors="replace")[-3000:]


def _environnement(dossier: Path, serveur, bucket: str, file: str) -> dict[str, str]:
    for sous in ("media", "exports", "tmp", "prometheus"):
        (dossier / sous).mkdir(parents=True)
    from django.conf import settings

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "reussite.settings.test",
        "DATABASE_URL": _url_base_de_test(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CACHE_PREFIXE": f"multinoeud-{file}",
        "MEDIA_ROOT": str(dossier / "media"),
        "EXPORTS_ROOT": str(dossier / "exports"),
        "TMPDIR": str(dossier / "tmp"),
        "PROMETHEUS_MULTIPROC_DIR": str(dossier / "prometheus"),
        "EXPORTS_FILE_CELERY": file,
        **serveur.reglages(bucket),
    }


def _lancer(nom: str, commande: list[str], environnement: dict, dossier: Path) -> Noeud:
    with (dossier / "journal.log").open("wb") as journal:
        processus = subprocess.Popen(  # noqa: S603 - a fixed command line
            commande,
            cwd=RACINE,
            env=environnement,
            stdout=journal,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    return Noeud(nom, processus, dossier)


def _attendre_pret(noeud: Noeud) -> None:
    debut = time.monotonic()
    while time.monotonic() - debut < ATTENTE:
        assert noeud.processus.poll() is None, f"{noeud.nom} stopped:\n{noeud.journal()}"
        try:
            if requests.get(f"{noeud.adresse}/sante/pret", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{noeud.nom} not ready:\n{noeud.journal()}")


def _arreter(noeud: Noeud) -> None:
    if noeud.processus.poll() is None:
        noeud.processus.terminate()
        try:
            noeud.processus.wait(20)
        except subprocess.TimeoutExpired:
            noeud.processus.kill()
            noeud.processus.wait(10)


@pytest.fixture
def grappe(serveur_s3, tmp_path):
    """Nodes A and B (gunicorn, one worker each) and a Celery worker on a queue of its own."""
    from django.conf import settings

    if settings.CELERY_BROKER_URL.startswith("memory://"):
        pytest.skip("needs a broker shared between processes (make test starts Redis)")
    bucket = serveur_s3.creer_bucket()
    file = f"multinoeud-{uuid.uuid4().hex[:8]}"
    noeuds = {}
    try:
        for nom, port in zip(("A", "B"), ports_libres(2), strict=True):
            dossier = tmp_path / nom
            environnement = _environnement(dossier, serveur_s3, bucket, file)
            commande = [
                *(sys.executable, "-m", "gunicorn", "reussite.wsgi:application"),
                *(f"--bind=127.0.0.1:{port}", "--workers=1", "--timeout=60"),
                *("--worker-tmp-dir", str(dossier / "tmp")),
            ]
            noeuds[nom] = _lancer(nom, commande, environnement, dossier)
            noeuds[nom].adresse = f"http://127.0.0.1:{port}"
        dossier = tmp_path / "worker"
        environnement = _environnement(dossier, serveur_s3, bucket, file)
        (dossier / "courriels").mkdir()
        environnement |= {
            "EMAIL_BACKEND": "tests.support.courriel.CourrielEnFichiers",
            "COURRIELS_DIR": str(dossier / "courriels"),
        }
        noeuds["worker"] = _lancer(
            "worker",
            [
                *(sys.executable, "-m", "celery", "-A", "reussite", "worker", "--pool", "solo"),
                *("--queues", file, "--loglevel", "INFO"),
                *("--without-gossip", "--without-mingle", "--without-heartbeat"),
            ],
            environnement,
            dossier,
        )
        for nom in ("A", "B"):
            _attendre_pret(noeuds[nom])
        yield noeuds, serveur_s3, bucket, file
    finally:
        for noeud in noeuds.values():
            _arreter(noeud)


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_CACHES = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def _champs_caches(page: str) -> dict[str, str]:
    return dict(_CACHES.findall(page))


def _se_connecter(adresse: str, user) -> requests.Session:
    """Sign in through the real pages: password, then the current TOTP code."""
    session = requests.Session()
    page = session.get(f"{adresse}{reverse('login')}", timeout=10)
    reponse = session.post(
        page.url,
        data={
            "csrfmiddlewaretoken": _CSRF.search(page.text).group(1),
            "username": user.email,
            "password": MOT_DE_PASSE,
        },
        timeout=10,
    )
    assert reverse("securite:verification") in reponse.url, reponse.url
    reponse = session.post(
        reponse.url,
        data={
            "csrfmiddlewaretoken": _CSRF.search(reponse.text).group(1),
            "code": code_totp(appareil_totp(user)),
        },
        timeout=10,
    )
    assert reponse.status_code == 200 and reverse("login") not in reponse.url, reponse.url
    return session


def _avec_mot_de_passe(user):
    user.set_password(MOT_DE_PASSE)
    user.save(update_fields=["password"])
    appareil_totp(user)
    return user


def test_deux_noeuds_et_un_worker_ne_partagent_que_la_base_redis_et_s3(grappe):
    noeuds, serveur, bucket, file = grappe
    a, b = noeuds["A"].adresse, noeuds["B"].adresse
    equipe = pre()
    structure = partenaire(equipe.programme)
    referent = professionnel(structure)
    parcours = ParcoursFactory(
        programme=equipe.programme,
        en_cours=True,
        avec_consentement=True,
        avec_consentement__structures=[structure],
    )
    nommer_referent(parcours, referent, auteur=equipe.coordinateur)
    mere = titulaire(parcours)
    coordinateur = _avec_mot_de_passe(equipe.coordinateur)
    _avec_mot_de_passe(referent.user)

    # A session opened on A is valid on B (sessions in the database, cache in Redis).
    coordination = _se_connecter(a, coordinateur)
    accueil = coordination.get(f"{b}/", timeout=10, allow_redirects=False)
    assert accueil.status_code == 200, accueil.headers.get("Location")

    # A consent scan uploaded through A…
    url = f"{a}{reverse('parcours:consentement', args=[parcours.pk])}"
    formulaire = coordination.get(url, timeout=10)
    aujourdhui = date.today()
    reponse = coordination.post(
        url,
        data={
            **_champs_caches(formulaire.text),
            "date_signature": aujourdhui.isoformat(),
            "date_expiration": (aujourdhui + timedelta(days=100)).isoformat(),
            "signataires": [mere.pk],
            "structures": [structure.pk],
            "finalites": [Finalite.ACCOMPAGNEMENT, Finalite.PARTAGE],
        },
        files={"fichier": ("scan-du-formulaire.pdf", PDF, "application/pdf")},
        timeout=30,
        allow_redirects=False,
    )
    assert reponse.status_code == 302, reponse.text[-2000:]
    scan = Consentement.objects.exclude(fichier="").get(parcours=parcours)
    assert serveur.lire(bucket, f"media/{scan.fichier.name}") == PDF

    # … is downloaded by the référent through B.
    reference = _se_connecter(b, referent.user)
    fichier = reference.get(
        f"{b}{reverse('parcours:consentement_fichier', args=[parcours.pk, scan.pk])}", timeout=30
    )
    assert fichier.status_code == 200
    assert fichier.content == PDF
    assert fichier.headers["Content-Disposition"].startswith("attachment;")
    assert fichier.headers["X-Content-Type-Options"] == "nosniff"

    # An export requested on B is built by the worker and downloaded on A.
    page = coordination.get(f"{b}/", timeout=10)
    reponse = coordination.post(
        f"{b}{reverse('exports:demander')}",
        data={
            "csrfmiddlewaretoken": _CSRF.search(page.text).group(1),
            "genre": "actions",
            "format": "csv",
            "filtres": "",
        },
        timeout=10,
        allow_redirects=False,
    )
    assert reponse.status_code == 302, reponse.text[-2000:]
    demande = DemandeExport.objects.get(demandeur=coordinateur)
    debut = time.monotonic()
    while demande.statut != StatutExport.TERMINE and time.monotonic() - debut < ATTENTE:
        assert demande.statut != StatutExport.ECHEC, noeuds["worker"].journal()
        time.sleep(0.5)
        demande.refresh_from_db()
    assert demande.statut == StatutExport.TERMINE, noeuds["worker"].journal()
    export = coordination.get(f"{a}{reverse('exports:fichier', args=[demande.pk])}", timeout=30)
    assert export.status_code == 200
    assert export.content == serveur.lire(bucket, f"exports/{demande.fichier.name}")
    assert export.content.startswith(b"\xef\xbb\xbf")

    # A reminder whose send is enqueued twice (two nodes, or a redelivery) leaves once.
    rappel = _rappel()
    for _fois in range(2):
        rappel_envoyer.apply_async(args=[rappel.pk], queue=file)
    journal = noeuds["worker"].dossier / "journal.log"
    debut = time.monotonic()
    while time.monotonic() - debut < ATTENTE:
        # Both deliveries ran (the worker logs each task's success).
        if len(re.findall(r"rappel_envoyer\[[^\]]+\] succeeded", journal.read_text())) >= 2:
            break
        time.sleep(0.5)
    else:
        raise AssertionError(noeuds["worker"].journal())
    envoyes = list((noeuds["worker"].dossier / "courriels").glob("*.eml"))
    assert len(envoyes) == 1, noeuds["worker"].journal()
    rappel.refresh_from_db()
    assert rappel.statut == StatutRappel.ENVOYE
    assert rappel.message_id in envoyes[0].read_text(errors="replace")

    # Nothing was written to any node's own folders: the bucket holds every file.
    for noeud in noeuds.values():
        assert noeud.fichiers() == [], noeud.nom
    cles = serveur.cles(bucket)
    assert f"media/{scan.fichier.name}" in cles and f"exports/{demande.fichier.name}" in cles
