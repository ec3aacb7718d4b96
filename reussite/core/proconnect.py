"""ProConnect (OpenID Connect, mozilla-django-oidc), enabled by configuration (PROCONNECT_*).

An account is never created: the verified e-mail of the identity must match an active account
(case-insensitively). When the provider asserts multi-factor authentication (`amr` contains one
of PROCONNECT_AMR_MFA, or `acr` is one of PROCONNECT_ACR_MFA), the session counts as verified
for the second factor.
"""

from django.conf import settings
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

SESSION_MFA = "reussite_mfa_proconnect"


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

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is not None and self.request is not None:
            # Kept across login(): the session key is cycled, its data stays.
            self.request.session[SESSION_MFA] = mfa_affirmee(payload)
        return user


def url_deconnexion(request) -> str:
    """End the ProConnect session too (RP-initiated logout)."""
    from urllib.parse import urlencode

    id_token = request.session.get("oidc_id_token")
    from django.urls import reverse

    parametres = {"post_logout_redirect_uri": request.build_absolute_uri(reverse("login"))}
    if id_token:
        parametres["id_token_hint"] = id_token
    return f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{urlencode(parametres)}"
