"""The documented deployment (issue 15, points 6, 7 and 13): the production settings refuse what
must not run, and docker-compose.yml, the Dockerfile and .env.example agree with them.

There is no Docker engine here: the compose file is read as YAML, its variables are resolved from
.env.example as `docker compose` would, and the production settings are loaded in a subprocess
with the environment each service would get."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

RACINE = Path(__file__).resolve().parents[2]
COMPOSE = RACINE / "docker-compose.yml"
DOCKERFILE = RACINE / "Dockerfile"
ENV_EXEMPLE = RACINE / ".env.example"


def _charger_prod(**variables) -> subprocess.CompletedProcess:
    """Import the production settings module in a fresh interpreter, with only `variables` (and
    what Python needs) in the environment; print a few resolved settings as JSON."""
    programme = (
        "import json, reussite.settings.prod as s; print(json.dumps({"
        "'SITE_URL': s.SITE_URL, 'EXPORTS_ROOT': str(s.EXPORTS_ROOT), "
        "'MEDIA_ROOT': str(s.MEDIA_ROOT), "
        "'STORAGES': {n: [e['BACKEND'], e.get('OPTIONS', {}).get('bucket_name'), "
        "e.get('OPTIONS', {}).get('location'), e.get('OPTIONS', {}).get('endpoint_url')] "
        "for n, e in s.STORAGES.items()}, "
        "'METRIQUES_JETON': s.METRIQUES_JETON, 'SENTRY_DSN': s.SENTRY_DSN, "
        "'CONNECT_TIMEOUT': s.DATABASES['default']['OPTIONS'].get('connect_timeout'), "
        "'REUSSITE_PROXIES_DE_CONFIANCE': s.REUSSITE_PROXIES_DE_CONFIANCE}))"
    )
    environnement = {"PATH": os.environ.get("PATH", ""), **variables}
    return subprocess.run(  # noqa: S603 - a fixed command line
        [sys.executable, "-c", programme],
        env=environnement,
        capture_output=True,
        text=True,
        cwd=RACINE,
        timeout=120,
        check=False,
    )


def _reglages(**variables) -> dict:
    chargement = _charger_prod(**variables)
    assert chargement.returncode == 0, chargement.stderr
    return json.loads(chargement.stdout)


def _variables_minimales(**autres) -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "reussite.example",
        "SITE_URL": "https://reussite.example",
        "DATABASE_URL": "postgres://reussite@localhost/reussite",
        "REDIS_URL": "redis://localhost:6379/0",
        **autres,
    }


# --- Point 7: the demo's 2FA exemption is refused when the settings load ----------------------


@pytest.mark.parametrize("reglage", ["REUSSITE_2FA_EXEMPTER_DEMO", "REUSSITE_DEMO_COURRIELS"])
def test_la_production_refuse_les_reglages_de_demo_des_le_chargement(reglage):
    assert _charger_prod(**_variables_minimales()).returncode == 0

    refus = _charger_prod(**_variables_minimales(**{reglage: "true"}))

    assert refus.returncode != 0
    assert "ImproperlyConfigured" in refus.stderr
    assert reglage in refus.stderr


# --- Point 13: SITE_URL is required -----------------------------------------------------------


@pytest.mark.parametrize("site_url", [None, "", "reussite.example", "https://"])
def test_la_production_refuse_de_charger_sans_site_url(site_url):
    variables = _variables_minimales()
    del variables["SITE_URL"]
    if site_url is not None:
        variables["SITE_URL"] = site_url

    refus = _charger_prod(**variables)

    assert refus.returncode != 0
    assert "ImproperlyConfigured" in refus.stderr and "SITE_URL" in refus.stderr


# --- Issue 20: one cache shared by every node --------------------------------------------------


def test_la_production_refuse_de_charger_sans_redis_url():
    variables = _variables_minimales()
    del variables["REDIS_URL"]

    refus = _charger_prod(**variables)

    assert refus.returncode != 0
    assert "ImproperlyConfigured" in refus.stderr and "REDIS_URL" in refus.stderr


# --- The compose file, resolved as `docker compose` would -------------------------------------

_VARIABLE = re.compile(r"\$\{(\w+)(?:(:?[-?])([^}]*))?\}")


def _env_exemple() -> dict[str, str]:
    valeurs = {}
    for ligne in ENV_EXEMPLE.read_text().splitlines():
        if ligne.strip() and not ligne.lstrip().startswith("#"):
            nom, _, valeur = ligne.partition("=")
            valeurs[nom.strip()] = valeur
    return valeurs


def _resoudre(texte: str, valeurs: dict[str, str]) -> str:
    def remplacer(trouve):
        nom, operateur, reste = trouve.groups()
        valeur = valeurs.get(nom)
        vide = valeur is None or (valeur == "" and operateur and operateur.startswith(":"))
        if operateur and operateur.endswith("?") and vide:
            raise KeyError(f"{nom} is required: {reste}")
        if operateur and operateur.endswith("-") and vide:
            return reste
        return valeur or ""

    return _VARIABLE.sub(remplacer, texte)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def _environnement(service: dict, valeurs: dict[str, str]) -> dict[str, str]:
    return {nom: _resoudre(str(v), valeurs) for nom, v in service["environment"].items()}


def _valeurs_de_deploiement() -> dict[str, str]:
    """.env.example as an operator fills it in: what it leaves empty (secrets, passwords) gets a
    value."""
    return {nom: valeur or secrets.token_urlsafe(50) for nom, valeur in _env_exemple().items()}


def test_env_exemple_nomme_chaque_variable_requise_par_compose():
    requises = {
        m.group(1) for m in _VARIABLE.finditer(COMPOSE.read_text()) if m.group(2) in {"?", ":?"}
    }
    assert {"SITE_URL", "FORWARDED_ALLOW_IPS"} <= requises
    assert requises <= set(_env_exemple())


@pytest.mark.parametrize("nom", ["web", "worker", "beat"])
def test_chaque_service_charge_la_production_avec_site_url(compose, nom):
    service = compose["services"][nom]
    assert "${SITE_URL:?" in service["environment"]["SITE_URL"]  # required, no default
    environnement = _environnement(service, _valeurs_de_deploiement())

    reglages = _reglages(**environnement)

    assert reglages["SITE_URL"] == _env_exemple()["SITE_URL"]
    assert reglages["SITE_URL"].startswith("https://")
    assert reglages["REUSSITE_PROXIES_DE_CONFIANCE"] == 1


@pytest.mark.parametrize("nom", ["web", "worker", "beat"])
def test_chaque_service_recoit_le_jeton_des_metriques_et_un_delai_de_connexion(compose, nom):
    """Issue 20: the operator's metrics token and Sentry DSN in .env reach every application
    service (a scraper reads each node), and a database that does not answer fails within
    seconds instead of hanging a worker."""
    valeurs = {**_valeurs_de_deploiement(), "METRIQUES_JETON": "jeton-de-test", "SENTRY_DSN": ""}
    reglages = _reglages(**_environnement(compose["services"][nom], valeurs))

    assert reglages["METRIQUES_JETON"] == "jeton-de-test"
    assert reglages["SENTRY_DSN"] == ""
    assert reglages["CONNECT_TIMEOUT"] == 5


def test_les_noeuds_partagent_le_bucket_et_aucun_volume_de_fichiers(compose):
    """Issue 20: web builds nothing on its disk that the worker needs, and the reverse: every
    application service stores its files in the same private bucket (uploads under media/,
    exports under exports/) and mounts no file volume."""
    valeurs = _valeurs_de_deploiement()
    vus = {}
    for nom in ("web", "worker", "beat", "migrate"):
        service = compose["services"][nom]
        assert not service.get("volumes"), (nom, service.get("volumes"))
        stockages = _reglages(**_environnement(service, valeurs))["STORAGES"]
        vus[nom] = {cle: stockages[cle] for cle in ("default", "exports")}
    attendu = {
        cle: ["reussite.core.stockage_s3.StockageObjets", "reussite", prefixe, "http://s3:8333"]
        for cle, prefixe in (("default", "media"), ("exports", "exports"))
    }
    assert all(stockages == attendu for stockages in vus.values()), vus
    assert set(compose.get("volumes") or {}) == {"pgdata", "redisdata", "s3data"}
    # The optional local S3 server is configured with the same keys.
    s3 = compose["services"]["s3"]
    assert s3["profiles"] == ["s3-local"]
    assert set(s3["environment"]) == {"S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"}


# --- Point 6: gunicorn believes X-Forwarded-Proto from the proxy only -------------------------


def _option(arguments: list[str], nom: str) -> str | None:
    for position, argument in enumerate(arguments):
        if argument == nom:
            return arguments[position + 1]
        if argument.startswith(f"{nom}="):
            return argument.split("=", 1)[1]
    return None


def test_gunicorn_ne_croit_que_le_proxy_dans_compose(compose):
    commande = compose["services"]["web"]["command"]
    valeur = _option(commande, "--forwarded-allow-ips")
    assert valeur is not None and "*" not in valeur
    assert valeur.startswith("${FORWARDED_ALLOW_IPS:?")  # from .env, required
    exemple = _env_exemple()["FORWARDED_ALLOW_IPS"]
    assert exemple and "*" not in exemple


@pytest.mark.django_db
def test_la_base_de_compose_et_celle_des_tests_ont_les_couts_du_planificateur_des_ssd(compose):
    """Issue 18: production's PostgreSQL and every cluster started by the README's commands
    plan with the same page costs (docs/exploitation.md), so that what the benchmark and the
    query tests see is what production runs."""
    from django.db import connection

    from reussite.devtools.services import POSTGRES_PLANNER_SETTINGS

    commande = compose["services"]["db"]["command"]
    for nom, valeur in POSTGRES_PLANNER_SETTINGS.items():
        assert f"{nom}={valeur}" in commande
        with connection.cursor() as curseur:
            curseur.execute(f"SHOW {nom}")
            assert curseur.fetchone()[0] == valeur


def test_gunicorn_ne_croit_que_le_proxy_dans_l_image():
    texte = DOCKERFILE.read_text()
    cmd = re.search(r"^CMD (\[.*?\])\s*$", texte.replace("\\\n", " "), re.MULTILINE)
    assert cmd, "the Dockerfile's CMD in exec form"
    arguments = json.loads(cmd.group(1))
    assert arguments[0] == "gunicorn"
    assert _option(arguments, "--forwarded-allow-ips") is None  # gunicorn reads the variable
    defaut = re.search(r"\bFORWARDED_ALLOW_IPS=(\S+)", texte)
    assert defaut and "*" not in defaut.group(1)


def test_l_image_charge_la_production_avec_les_variables_de_son_build():
    """collectstatic runs under the production settings at build time, with placeholders: each
    variable the settings require must be among them."""
    texte = DOCKERFILE.read_text().replace("\\\n", " ")
    etape = next(x for x in texte.splitlines() if x.startswith("RUN") and "collectstatic" in x)
    variables = dict(re.findall(r"\b([A-Z_]+)=(\S+)", etape.split("python manage.py")[0]))
    assert "SITE_URL" in variables

    assert _charger_prod(**variables).returncode == 0


# --- Issue 18, point 3: what every request would otherwise repeat ------------------------------


def test_la_production_garde_les_gabarits_compiles_et_ne_sauve_pas_la_session_a_chaque_page():
    """Templates are compiled once per process (Django's cached loader, which it only puts in
    place when TEMPLATES sets no `loaders`), and the session is renewed at most once a minute
    instead of being saved by every request."""
    programme = (
        "import json, django; django.setup(); from django.conf import settings; "
        "from django.template import engines; print(json.dumps({"
        "'chargeurs': [type(c).__module__ + '.' + type(c).__name__ "
        "for c in engines['django'].engine.template_loaders], "
        "'debug': settings.DEBUG, 'save_every_request': settings.SESSION_SAVE_EVERY_REQUEST, "
        "'renouvellement': settings.REUSSITE_SESSION_RENOUVELLEMENT}))"
    )
    environnement = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "reussite.settings.prod",
        **_variables_minimales(),
    }
    chargement = subprocess.run(  # noqa: S603 - a fixed command line
        [sys.executable, "-c", programme],
        env=environnement,
        capture_output=True,
        text=True,
        cwd=RACINE,
        timeout=120,
        check=False,
    )
    assert chargement.returncode == 0, chargement.stderr
    assert json.loads(chargement.stdout) == {
        "chargeurs": ["django.template.loaders.cached.Loader"],
        "debug": False,
        "save_every_request": False,
        "renouvellement": 60,
    }


def test_chaque_worker_gunicorn_met_son_tas_a_l_ecart_du_ramasse_miettes():
    """Issue 18: a full garbage collection walked the 230,000 objects a process loads at start
    on one request in ten to twenty (115 to 140 ms of CPU). Once the worker has loaded the
    application, gunicorn.conf.py freezes them: the URLs and every view already imported."""
    programme = (
        "import gc, json, runpy, sys, django; django.setup(); "
        "conf = runpy.run_path('gunicorn.conf.py'); conf['post_worker_init'](None); "
        "print(json.dumps({'geles': gc.get_freeze_count(), "
        "'vues': 'parcours.views.statistiques' in sys.modules}))"
    )
    environnement = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "reussite.settings.prod",
        **_variables_minimales(),
    }
    chargement = subprocess.run(  # noqa: S603 - a fixed command line
        [sys.executable, "-c", programme],
        env=environnement,
        capture_output=True,
        text=True,
        cwd=RACINE,
        timeout=120,
        check=False,
    )
    assert chargement.returncode == 0, chargement.stderr
    resultat = json.loads(chargement.stdout.strip().splitlines()[-1])
    assert resultat["vues"]
    assert resultat["geles"] > 50_000


@pytest.mark.lent
def test_seul_le_proxy_fait_croire_a_https_sous_gunicorn(tmp_path):
    """The production settings under gunicorn, as docker-compose starts them: X-Forwarded-Proto
    is believed from the proxy's address (--forwarded-allow-ips) and from nowhere else. A client
    that reaches gunicorn around the proxy and claims https is still redirected to https, so it
    can never obtain a page, or a Secure cookie, over plain HTTP."""
    import http.client
    import time

    from django.db import connection
    from django.urls import reverse

    from reussite.devtools import charge
    from reussite.devtools.services import free_port

    port = free_port()
    environnement = charge.environnement(connection.settings_dict["NAME"], tmp_path)
    gunicorn = subprocess.Popen(  # noqa: S603 - a fixed command line
        [
            sys.executable,
            "-m",
            "gunicorn",
            "reussite.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            "--workers=1",
            "--forwarded-allow-ips=127.0.0.1",
            f"--control-socket={tmp_path / 'gunicorn.ctl'}",
        ],
        cwd=RACINE,
        env=environnement,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # A JSON route: its answer needs no collected static file.
    chemin = reverse("api:parcours")

    def demander(source: str, **entetes):
        connexion = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=10, source_address=(source, 0)
        )
        try:
            connexion.request("GET", chemin, headers={"Host": charge.HOTE, **entetes})
            reponse = connexion.getresponse()
            reponse.read()
            return reponse.status, reponse.getheader("Location")
        finally:
            connexion.close()

    try:
        for _ in range(150):
            try:
                demander("127.0.0.1")
                break
            except OSError:
                time.sleep(0.2)
        proxy = demander("127.0.0.1", **{"X-Forwarded-Proto": "https"})
        proxy_sans = demander("127.0.0.1")
        contournement = demander("127.0.0.2", **{"X-Forwarded-Proto": "https"})
    finally:
        gunicorn.terminate()
        gunicorn.wait(30)

    https = f"https://{charge.HOTE}{chemin}"
    assert proxy[0] in {401, 403} and proxy[1] is None  # answered: the API asks for a token
    assert proxy_sans == (301, https)
    assert contournement == (301, https)
