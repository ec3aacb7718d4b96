"""ProConnect (OpenID Connect, mozilla-django-oidc), enabled by configuration (PROCONNECT_*).

An account is never created: the verified e-mail of the identity must match an active account
(case-insensitively). When the provider asserts multi-factor authentication (`amr` contains one
of PROCONNECT_AMR_MFA, or `acr` is one of PROCONNECT_ACR_MFA), the session counts as verified
for the second factor.

The views wrap mozilla-django-oidc's: reachable without a session (LoginRequiredMiddleware), and
every refusal (provider error, unknown `state`, `nonce` or signature not verified, unknown
account) ends on the login page with a French message instead of a bare redirect or a 400.
The userinfo answer may be plain JSON or a JWT signed by the provider (ProConnect sends
`application/jwt`): mozilla-django-oidc verifies the latter against the provider's JWKS.
"""

import logging
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

logger = logging.getLogger(__name__)

SESSION_MFA = "reussite_mfa_proconnect"

# Why the last sign-in attempt failed, left on the request by the backend for the view.
ECHEC_COMPTE_INCONNU = "compte_inconnu"


def mfa_affirmee(claims: dict) -> bool:
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    return bool(set(amr) & set(settings.PROCONNECT_AMR_MFA)) or (
        claims.get("acr") in settings.PROCONNECT_ACR_MFA
    )


class ProConnectBackend(OIDCAuthenticationBackend):
    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip()
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email, is_active=True)

    def verify_claims(self, claims):
        # ProConnect sends only verified addresses; refuse an explicit "not verified".
        return super().verify_claims(claims) and claims.get("email_verified", True) is not False

    def verify_token(self, token, **kwargs):
        """Signature (JWKS) and nonce as the library checks them, plus the audience: a token
        issued to another client of the provider is refused."""
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        if audience is not None:
            audiences = [audience] if isinstance(audience, str) else list(audience)
            if self.OIDC_RP_CLIENT_ID not in audiences:
                raise SuspiciousOperation("JWT audience verification failed.")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        if self.request is not None:
            if user is None:
                self.request.proconnect_echec = ECHEC_COMPTE_INCONNU
            else:
                # Kept across login(): the session key is cycled, its data stays.
                self.request.session[SESSION_MFA] = mfa_affirmee(payload)
        return user


def tentative_proconnect(request, credentials) -> bool:
    """For django-axes: an authentication by ProConnect's callback (a nonce, no username) is
    never counted nor locked: the password attempts are the provider's business."""
    return bool(credentials) and "nonce" in credentials and not credentials.get("username")


def url_deconnexion(request) -> str:
    """End the ProConnect session too (RP-initiated logout): `id_token_hint`, `state` and the
    address to come back to (to register at ProConnect as a post-logout redirect URI)."""
    parametres = {
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
        "state": get_random_string(32),
    }
    id_token = request.session.get("oidc_id_token")
    if id_token:
        parametres["id_token_hint"] = id_token
    return f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{urlencode(parametres)}"


def session_proconnect(request) -> bool:
    return bool(settings.PROCONNECT_ENABLED and request.session.get("oidc_id_token"))


@method_decorator(login_not_required, name="dispatch")
class ProConnectDebutView(OIDCAuthenticationRequestView):
    """Sends the browser to ProConnect's authorization endpoint (state and nonce kept in the
    session)."""


@method_decorator(login_not_required, name="dispatch")
class ProConnectRetourView(OIDCAuthenticationCallbackView):
    """The redirect URI registered at ProConnect."""

    @property
    def failure_url(self):
        return reverse("login")

    def get(self, request):
        if request.GET.get("error"):
            super().get(request)  # drops the state, logs out
            logger.warning("ProConnect: erreur du fournisseur %s", request.GET.get("error")[:64])
            return self._refus(
                _(
                    "ProConnect n’a pas pu vous identifier : la connexion a été refusée ou "
                    "annulée. Réessayez, ou connectez-vous avec votre adresse électronique et "
                    "votre mot de passe."
                )
            )
        etat = request.GET.get("state")
        if (
            not etat
            or not request.GET.get("code")
            or etat not in request.session.get("oidc_states", {})
        ):
            logger.warning("ProConnect: retour avec un état inconnu")
            return self._refus(
                _(
                    "Cette réponse de ProConnect ne correspond à aucune connexion en cours. "
                    "Recommencez la connexion depuis cette page."
                )
            )
        try:
            reponse = super().get(request)
        except requests.RequestException as erreur:
            logger.warning("ProConnect: fournisseur injoignable ou en erreur (%s)", type(erreur))
            return self._refus(
                _(
                    "La connexion avec ProConnect a échoué. Réessayez, ou connectez-vous avec "
                    "votre adresse électronique et votre mot de passe."
                )
            )
        except SuspiciousOperation as erreur:
            logger.warning("ProConnect: jeton refusé (%s)", erreur)
            return self._refus(
                _(
                    "La réponse de ProConnect n’a pas pu être vérifiée. Recommencez la "
                    "connexion depuis cette page."
                )
            )
        if request.user.is_authenticated:
            return reponse
        if getattr(request, "proconnect_echec", None) == ECHEC_COMPTE_INCONNU:
            return self._refus(
                _(
                    "Aucun compte actif de Réussite ne correspond à l’adresse électronique "
                    "transmise par ProConnect. Un compte est créé sur invitation : demandez-la "
                    "à la coordination de votre programme de réussite éducative."
                )
            )
        return self._refus(
            _(
                "La connexion avec ProConnect a échoué. Réessayez, ou connectez-vous avec votre "
                "adresse électronique et votre mot de passe."
            )
        )

    def _refus(self, message: str):
        messages.error(self.request, message)
        if self.request.user.is_authenticated:
            auth.logout(self.request)
        return redirect(self.failure_url)
