"""ProConnect backend rules, the login button and the CSP (the end-to-end flow against the test
provider: tests/core/test_proconnect_fournisseur.py and tests/e2e/test_proconnect.py)."""

import pytest
from django.test import Client, RequestFactory

from reussite.core.proconnect import SESSION_MFA, ProConnectBackend, mfa_affirmee
from tests.conftest import connecter
from tests.factories.core import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _oidc(settings):
    base = "https://fournisseur.example/api/v2"
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = "client", "secret"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{base}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{base}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{base}/jwks"
    settings.OIDC_RP_SIGN_ALGO = "RS256"


def test_l_adresse_est_rapprochee_sans_casse_et_seulement_d_un_compte_actif():
    user = UserFactory(email="camille.durand@exemple.test")
    UserFactory(email="inactif@exemple.test", is_active=False)
    backend = ProConnectBackend()
    assert list(backend.filter_users_by_claims({"email": "Camille.DURAND@exemple.test"})) == [user]
    assert not backend.filter_users_by_claims({"email": "inactif@exemple.test"}).exists()
    assert not backend.filter_users_by_claims({"email": "inconnu@exemple.test"}).exists()
    assert not backend.filter_users_by_claims({}).exists()


def test_la_mfa_affirmee_par_le_fournisseur_suffit(settings):
    assert mfa_affirmee({"amr": ["pwd", "mfa"]})
    assert mfa_affirmee({"acr": "eidas2"})
    assert not mfa_affirmee({"amr": ["pwd"], "acr": "eidas1"})
    user = UserFactory()
    client = connecter(Client(), user, verifie=False)
    assert client.get("/").status_code == 302
    session = client.session
    session[SESSION_MFA] = True
    session.save()
    assert client.get("/").status_code == 200


def test_aucun_compte_n_est_cree(settings):
    backend = ProConnectBackend()
    backend.request = RequestFactory().get("/")
    settings.OIDC_CREATE_USER = False
    backend.get_userinfo = lambda *a: {"email": "nouveau@exemple.test"}
    assert backend.get_or_create_user("jeton", "id", {"email": "nouveau@exemple.test"}) is None


def test_le_bouton_proconnect_n_apparait_que_si_proconnect_est_active(settings):
    page = Client().get("/connexion/")
    assert page.status_code == 200
    assert "ProConnect" not in page.content.decode()

    settings.PROCONNECT_ENABLED = True
    settings.ROOT_URLCONF = "tests.support.urls_proconnect"
    page = Client().get("/connexion/?next=/parcours/").content.decode()
    assert 'action="/oidc/authenticate/"' in page
    assert "S’identifier avec" in page and 'class="fr-connect__brand">ProConnect<' in page
    assert 'name="next" value="/parcours/"' in page
    assert "https://www.proconnect.gouv.fr/" in page
    assert "/static/img/proconnect-logo.svg" not in page  # in the stylesheet, not inline


@pytest.mark.lent
def test_la_csp_autorise_les_formulaires_vers_proconnect_seulement_s_il_est_active():
    """The ProConnect button and the logout form end in redirects to ProConnect, which the
    browser checks against form-action: its origin is added, and only when enabled."""
    import json
    import os
    import subprocess
    import sys

    script = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']))"
    )

    def form_action(**env):
        sortie = subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
            [sys.executable, "-c", script],
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "reussite.settings.test", **env},
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(sortie.stdout.strip().splitlines()[-1])

    assert form_action(PROCONNECT_ENABLED="false") == ["'self'"]
    assert form_action(
        PROCONNECT_ENABLED="true",
        PROCONNECT_CLIENT_ID="client",
        PROCONNECT_CLIENT_SECRET="secret",
        PROCONNECT_URL="https://auth.agentconnect.gouv.fr/api/v2",
    ) == ["'self'", "https://auth.agentconnect.gouv.fr"]
