"""Security headers on every main page, production settings, generic error pages."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import connecter
from tests.factories.parcours import ParcoursFactory
from tests.factories.partage import pre

pytestmark = pytest.mark.django_db

RACINE = Path(__file__).resolve().parents[2]

PAGES = [
    ("login", False),
    ("password_reset", False),
    ("accueil", True),
    ("notifications:liste", True),
    ("notifications:preferences", True),
    ("parcours:liste", True),
    ("parcours:a_risque", True),
    ("parcours:creer", True),
    ("parcours:detail", True),
    ("securite:mes_sessions", True),
    ("password_change", True),
]


def _verifier_entetes(reponse, nom):
    csp = reponse["Content-Security-Policy"]
    assert "script-src 'self'" in csp, nom
    assert "frame-ancestors 'none'" in csp, nom
    assert not re.search(r"https?://", csp), (nom, csp)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, nom
    assert reponse["X-Frame-Options"] == "DENY", nom
    assert reponse["Referrer-Policy"] == "same-origin", nom
    assert reponse["X-Content-Type-Options"] == "nosniff", nom
    texte = reponse.content.decode()
    # Every inline script carries the header's nonce; no script or stylesheet from elsewhere.
    nonce = re.search(r"'nonce-([^']+)'", csp)
    for balise in re.findall(r"<script\b[^>]*>", texte):
        if "src=" not in balise:
            assert nonce and f'nonce="{nonce.group(1)}"' in balise, (nom, balise)
    assert not re.search(r'<(?:script|link)\b[^>]*(?:src|href)="(?:https?:)?//', texte), nom


def test_chaque_page_principale_porte_les_entetes_de_securite():
    monde = pre()
    parcours = ParcoursFactory(programme=monde.programme)
    connecte = connecter(Client(), monde.coordinateur)
    for nom, connexion in PAGES:
        url = reverse(nom, args=[parcours.pk]) if nom == "parcours:detail" else reverse(nom)
        reponse = (connecte if connexion else Client()).get(url)
        assert reponse.status_code == 200, (nom, reponse.status_code)
        _verifier_entetes(reponse, nom)


def _manage(*args, **env):
    environnement = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "reussite.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "reussite.example",
        "SITE_URL": "https://reussite.example",
        # Several nodes: files in a bucket (reussite.W020); nothing connects to it here.
        "S3_BUCKET": "reussite",
        "S3_ENDPOINT_URL": "https://s3.reussite.example",
        # The legal notice names the publisher and the host (reussite.W030).
        "REUSSITE_OPERATEUR_NOM": "Opérateur de test",
        "REUSSITE_OPERATEUR_ADRESSE": "1 rue de l’Exemple, 75000 Paris",
        "REUSSITE_OPERATEUR_CONTACT": "contact@reussite.example",
        "REUSSITE_DIRECTEUR_PUBLICATION": "La direction de l’opérateur de test",
        "REUSSITE_HEBERGEUR_NOM": "Hébergeur de test",
        "REUSSITE_HEBERGEUR_ADRESSE": "2 avenue du Nuage, 59000 Lille",
        "REUSSITE_HEBERGEUR_CONTACT": "support@hebergeur.example",
        **env,
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, str(RACINE / "manage.py"), *args],
        env=environnement,
        capture_output=True,
        text=True,
        cwd=RACINE,
        timeout=120,
        check=False,
    )


@pytest.mark.lent
def test_la_production_passe_check_deploy_et_pose_hsts_et_cookies_securises():
    resultat = _manage("check", "--deploy", "--fail-level", "WARNING")
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    reglages = _manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.X_FRAME_OPTIONS, s.SECURE_SSL_REDIRECT, s.REUSSITE_2FA_EXEMPTER_DEMO)",
    )
    assert reglages.stdout.strip().splitlines()[-1].split() == [
        "31536000",
        "True",
        "True",
        "True",
        "DENY",
        "True",
        "False",
    ]


@pytest.mark.parametrize(
    ("chemin", "statut", "titre"),
    [
        ("/erreur/400/", 400, "Requête invalide"),
        ("/erreur/403/", 403, "Accès refusé"),
        ("/inexistant/", 404, "Page introuvable"),
        ("/erreur/500/", 500, "Erreur inattendue"),
    ],
)
def test_les_pages_d_erreur_sont_generiques_et_en_francais(settings, chemin, statut, titre):
    settings.ROOT_URLCONF = "tests.support.urls_erreurs"
    assert settings.DEBUG is False
    client = Client(raise_request_exception=False)
    if statut == 403 or statut == 404:
        connecter(client, pre().coordinateur)
    reponse = client.get(chemin)
    assert reponse.status_code == statut
    texte = reponse.content.decode()
    assert titre in texte and '<html lang="fr"' in texte
    for fuite in ("Traceback", "detail interne", "RuntimeError", "SuspiciousOperation", ".py"):
        assert fuite not in texte, (chemin, fuite)


def test_le_cookie_des_messages_est_efface_en_secure_et_httponly(settings):
    """Django deletes the messages cookie without `Secure` (HttpResponse.delete_cookie): every
    page showing a message answered a Set-Cookie without it over HTTPS (issue 18, load test)."""
    from tests.factories.core import UserFactory

    settings.SESSION_COOKIE_SECURE = True
    client = connecter(Client(), UserFactory())
    client.get(reverse("securite:codes_secours"))  # no code to show: an information message
    assert client.cookies["messages"]["secure"] is True

    reponse = client.get(reverse("securite:mes_sessions"))  # shows it, then deletes the cookie

    efface = reponse.cookies["messages"]
    assert efface.value == ""
    assert efface["max-age"] == 0
    assert efface["secure"] is True
    assert efface["httponly"] is True
