"""A real OpenID Connect provider for the ProConnect tests: django-oauth-toolkit in its OIDC mode
(RS256 key generated here), served by the live test server under /fournisseur-test/ through the
test URLconf `tests.support.urls_proconnect` (the production URLconf never includes it).

The relying party (Réussite) answers on http://localhost:<port> and the provider on
http://127.0.0.1:<port>: two hosts, so two cookie jars, as with the real ProConnect. The
provider's accounts are rows of the same user table (django-oauth-toolkit needs a Django user);
the claims it sends for one (`email`, `email_verified`, `given_name`, `usual_name`, `amr`, as
ProConnect does) are registered by the test with `Fournisseur.identite()`, so that the e-mail
ProConnect asserts is independent of the provider account's own row.

ProConnect puts `amr`/`acr` in the ID token only when the authorization request asks for them
(`claims={"id_token":{"amr":null}}`): so does this provider. Its userinfo answer is JSON or, like
ProConnect's, a JWT signed with the provider's key (`Fournisseur.userinfo = "jwt"`), or signed
with a key the provider does not publish (`"jwt_cle_inconnue"`).
"""

import copy
import re
from dataclasses import dataclass, field
from functools import cache
from itertools import count

import pytest
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from jwcrypto import jwk, jwt
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.views import AuthorizationView

from reussite.core.proconnect import SESSION_MFA
from tests.factories.core import MOT_DE_PASSE, UserFactory

CLIENT_ID = "reussite-test"
CLIENT_SECRET = "secret-du-client-de-test"
PREFIXE = "/fournisseur-test"

# Shared with the live server's threads (same process).
IDENTITES: dict[int, dict] = {}
ETAT = {"userinfo": "json", "servis": []}


@cache
def cle_privee_pem() -> str:
    """The provider's RS256 key, generated once per test session."""
    return (
        jwk.JWK.generate(kty="RSA", size=2048)
        .export_to_pem(private_key=True, password=None)
        .decode()
    )


@cache
def cle_inconnue() -> jwk.JWK:
    return jwk.JWK.generate(kty="RSA", size=2048)


class ValidateurProConnect(OAuth2Validator):
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        # ProConnect's scopes carry one claim each.
        "given_name": "given_name",
        "usual_name": "usual_name",
        "amr": "openid",
        "acr": "openid",
    }

    def get_additional_claims(self, request):
        identite = dict(IDENTITES.get(request.user.pk, {}))
        demandees = (getattr(request, "claims", None) or {}).get("id_token") or {}
        for nom in ("amr", "acr"):
            if nom not in demandees:
                identite.pop(nom, None)
        return identite

    def get_userinfo_claims(self, request):
        claims = super().get_userinfo_claims(request)
        mode = ETAT["userinfo"]
        ETAT["servis"].append(mode)
        if mode == "json":
            return claims
        cle = request.client.jwk_key if mode == "jwt" else cle_inconnue()
        jeton = jwt.JWT(
            header={"alg": "RS256", "typ": "JWT", "kid": cle.thumbprint()},
            claims={
                **claims,
                "iss": self.get_oidc_issuer_endpoint(request),
                "aud": request.client.client_id,
            },
        )
        jeton.make_signed_token(cle)
        return jeton.serialize()


@method_decorator(login_not_required, name="dispatch")
class ConnexionFournisseur(LoginView):
    """The provider's own login page (its session lives on the provider's host)."""

    template_name = "fournisseur_test/connexion.html"
    authentication_form = AuthenticationForm

    def form_valid(self, form):
        login(self.request, form.get_user(), backend="django.contrib.auth.backends.ModelBackend")
        # The provider's pages are served by the same Django project: let its session through
        # the project's second-factor gate (this session never reaches Réussite's host).
        self.request.session[SESSION_MFA] = True
        return redirect(self.get_success_url())


@method_decorator(login_not_required, name="dispatch")
class AutorisationFournisseur(AuthorizationView):
    template_name = "fournisseur_test/autorisation.html"
    login_url = reverse_lazy("oauth2_provider:connexion")


@dataclass
class Fournisseur:
    rp: str  # Réussite, http://localhost:<port>
    op: str  # the provider, http://127.0.0.1:<port>/fournisseur-test
    application: object
    numeros: count = field(default_factory=lambda: count(1))

    @property
    def userinfo(self) -> str:
        return ETAT["userinfo"]

    @userinfo.setter
    def userinfo(self, mode: str) -> None:
        ETAT["userinfo"] = mode

    @property
    def userinfo_servis(self) -> list[str]:
        return ETAT["servis"]

    def identite(self, email: str, *, amr=("pwd", "mfa"), **claims) -> tuple[str, str]:
        """A provider account asserting `email`; returns its provider login and password."""
        compte = UserFactory(email=f"compte-{next(self.numeros)}@fournisseur.test")
        IDENTITES[compte.pk] = {
            "email": email,
            "email_verified": True,
            "given_name": "Camille",
            "usual_name": "Durand",
            "amr": list(amr),
            **claims,
        }
        return compte.email, MOT_DE_PASSE


def reglages_fournisseur(rp: str, op: str) -> dict:
    from django.conf import settings

    csp = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    # As reussite/settings/base.py adds ProConnect's origin when PROCONNECT_ENABLED.
    csp["DIRECTIVES"]["form-action"].append(op.removesuffix(PREFIXE))
    # The provider's own pages share the project's CSP here: their forms redirect back to
    # Réussite's origin (the real ProConnect has its own policy).
    csp["DIRECTIVES"]["form-action"].append(rp)
    return {
        "CONTENT_SECURITY_POLICY": csp,
        "ROOT_URLCONF": "tests.support.urls_proconnect",
        "PROCONNECT_ENABLED": True,
        "AUTHENTICATION_BACKENDS": [
            "axes.backends.AxesStandaloneBackend",
            "reussite.core.proconnect.ProConnectBackend",
            "django.contrib.auth.backends.ModelBackend",
        ],
        # What reussite/settings/base.py sets from PROCONNECT_URL & co.
        "OIDC_RP_CLIENT_ID": CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{op}/authorize/",
        "OIDC_OP_TOKEN_ENDPOINT": f"{op}/token/",
        "OIDC_OP_USER_ENDPOINT": f"{op}/userinfo/",
        "OIDC_OP_JWKS_ENDPOINT": f"{op}/.well-known/jwks.json",
        "OIDC_OP_LOGOUT_ENDPOINT": f"{op}/logout/",
        "OIDC_RP_SIGN_ALGO": "RS256",
        "OIDC_RP_SCOPES": "openid email given_name usual_name",
        "OIDC_CREATE_USER": False,
        "OIDC_USE_NONCE": True,
        "OIDC_STORE_ID_TOKEN": True,
        "OIDC_AUTH_REQUEST_EXTRA_PARAMS": {"claims": '{"id_token":{"amr":null,"acr":null}}'},
        "OIDC_TIMEOUT": 10,
        "OAUTH2_PROVIDER": {
            "OIDC_ENABLED": True,
            "OIDC_RSA_PRIVATE_KEY": cle_privee_pem(),
            "OAUTH2_VALIDATOR_CLASS": "tests.support.fournisseur_oidc.ValidateurProConnect",
            "SCOPES": {
                "openid": "Identifiant",
                "email": "Adresse électronique",
                "given_name": "Prénom",
                "usual_name": "Nom d’usage",
            },
            "DEFAULT_SCOPES": ["openid"],
            "PKCE_REQUIRED": False,
            "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
            "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
        },
    }


@pytest.fixture
def fournisseur(live_server, settings) -> Fournisseur:
    """The provider and Réussite's ProConnect configuration pointing at it."""
    from oauth2_provider.models import Application

    rp = live_server.url.replace("127.0.0.1", "localhost")
    op = rp.replace("localhost", "127.0.0.1") + PREFIXE
    for nom, valeur in reglages_fournisseur(rp, op).items():
        setattr(settings, nom, valeur)
    IDENTITES.clear()
    ETAT.update(userinfo="json", servis=[])
    application = Application.objects.create(
        name="Réussite",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=f"{rp}/oidc/callback/",
        post_logout_redirect_uris=f"{rp}/connexion/",
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    yield Fournisseur(rp=rp, op=op, application=application)
    IDENTITES.clear()


def champs_caches(html: str) -> dict[str, str]:
    """The hidden inputs of a form (the provider's consent page)."""
    champs = {}
    for balise in re.findall(r"<input[^>]*>", html):
        if 'type="hidden"' in balise:
            nom = re.search(r'name="([^"]*)"', balise)
            valeur = re.search(r'value="([^"]*)"', balise)
            if nom:
                champs[nom.group(1)] = _html(valeur.group(1) if valeur else "")
    return champs


def _html(texte: str) -> str:
    from html import unescape

    return unescape(texte)


__all__ = ["Fournisseur", "champs_caches", "fournisseur"]
