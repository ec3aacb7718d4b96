"""Two-factor authentication (django-otp): who must verify, and the middleware enforcing it.

A session is *verified* when it holds django-otp's device key (`django_otp.login` writes it after
a correct code). The check reads the session only: no query per request, so the pinned query
budgets of the pages do not move. Deleting a device ends its user's sessions (see `sessions`).
"""

import functools

import django_otp
from django.conf import settings
from django.core.checks import Error, register
from django.http import HttpResponseForbidden
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

__all__ = [
    "DeuxFacteursMiddleware",
    "avec_suivante",
    "marquer_verifie",
    "session_verifiee",
    "url_suivante",
]

PREFIXE_API = "/api/"

# The pages an authenticated but unverified user may still reach.
VUES_LIBRES = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "securite:inscription",
    "securite:verification",
    "securite:codes_secours",
    "oidc_authentication_init",
    "oidc_authentication_callback",
    # The legal pages are public: a user who has not yet given the second factor reads them too.
    "juridique:mentions_legales",
    "juridique:donnees_personnelles",
    "juridique:notice_familles",
    "juridique:notice_familles_pdf",
    "juridique:cookies",
    "juridique:plan_du_site",
    "juridique:accessibilite",
}


def session_verifiee(request) -> bool:
    """A second factor checked here, or multi-factor authentication asserted by ProConnect."""
    from .proconnect import SESSION_MFA

    return bool(
        request.session.get(django_otp.DEVICE_ID_SESSION_KEY) or request.session.get(SESSION_MFA)
    )


def marquer_verifie(request, device) -> None:
    """The session is verified by `device` (a code was checked, or ProConnect asserted MFA)."""
    django_otp.login(request, device)
    request.user.otp_device = device


def exemption_demo() -> bool:
    return bool(getattr(settings, "REUSSITE_2FA_EXEMPTER_DEMO", False))


def url_suivante(request, defaut: str | None = None) -> str:
    suivante = request.POST.get("next") or request.GET.get("next") or ""
    if suivante and url_has_allowed_host_and_scheme(
        suivante, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return suivante
    return defaut or reverse(settings.LOGIN_REDIRECT_URL)


def avec_suivante(url: str, suivante: str) -> str:
    return f"{url}?{urlencode({'next': suivante})}"


def _installer(request, user):
    if user.is_authenticated:
        verifie = exemption_demo() or session_verifiee(request)
        user.is_verified = lambda: verifie
        if not hasattr(user, "otp_device"):
            user.otp_device = None
    return user


class DeuxFacteursMiddleware:
    """Send an authenticated user whose session is not verified to enrolment (no confirmed
    device yet) or to verification, before any other page. Installs `user.is_verified()` as
    django-otp's OTPMiddleware does, for the admin (OTPAdminSite)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        request.user = SimpleLazyObject(functools.partial(_installer, request, user))
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(PREFIXE_API):
            # The API authenticates with tokens inside the view, never with the session.
            return None
        if not request.user.is_authenticated or request.user.is_verified():
            return None
        match = request.resolver_match
        if match is None or match.view_name in VUES_LIBRES:
            return None
        from django_otp import user_has_device

        cible = "securite:verification" if user_has_device(request.user) else "securite:inscription"
        if request.headers.get("HX-Request"):
            # A fragment (the header's bell) must not swap a whole page in: refuse it, htmx
            # swaps nothing on an error status.
            return HttpResponseForbidden()
        return redirect(avec_suivante(reverse(cible), request.get_full_path()))


@register()
def verifier_exemption_demo(app_configs, **kwargs):
    """Production must never run with the demo exemption: every account needs a second factor."""
    if exemption_demo() and getattr(settings, "REUSSITE_PRODUCTION", False):
        return [
            Error(
                "REUSSITE_2FA_EXEMPTER_DEMO est activé : la double authentification est "
                "désactivée. Ce réglage est réservé à la démonstration locale.",
                id="reussite.E001",
            )
        ]
    return []
