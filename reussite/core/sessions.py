"""Session management: absolute lifetime, the user's list of sessions, ending them all.

The login time and the last renewal live in the session itself, so enforcing the lifetime costs
no query. The session is not saved on every request (SESSION_SAVE_EVERY_REQUEST is off: the save
cost an UPDATE and a commit per page, issue 18): `DureeSessionMiddleware` renews it, so that it is
saved with a new expiry, when its last renewal is REUSSITE_SESSION_RENOUVELLEMENT seconds old (one
minute by default): the inactivity timeout keeps sliding, late by that step at most. The expiry
warning counts from the last renewal (`expire_dans`). `SessionUtilisateur` maps a user to their
session keys; it is written at login and logout only.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.shortcuts import redirect
from django.utils.translation import gettext as _t

from .adresses import adresse_client
from .models import SessionUtilisateur, User

SESSION_CONNEXION = "reussite_connexion_le"
SESSION_ACTIVITE = "reussite_activite_le"

# Response header giving the seconds left before the session expires for inactivity: the expiry
# warning (static/js/session.js) re-arms its timer from it after each htmx exchange.
ENTETE_EXPIRE_DANS = "X-Session-Expire-Dans"

__all__ = ["DureeSessionMiddleware", "expire_dans", "renouveler", "sessions_terminer"]


def duree_max() -> int:
    return int(getattr(settings, "REUSSITE_SESSION_DUREE_MAX", 12 * 3600))


def renouveler(session, maintenant: float | None = None) -> None:
    """Mark the session active now. Setting the key marks the session modified, so that
    SessionMiddleware saves it at the end of the request with a new expiry date."""
    session[SESSION_ACTIVITE] = time.time() if maintenant is None else maintenant


def expire_dans(session) -> int:
    """Seconds left before the session expires for inactivity, counted from its last renewal
    (the last save of the session row, which set its expiry date)."""
    activite = session.get(SESSION_ACTIVITE)
    if activite is None:
        return session.get_expiry_age()
    return max(0, int(session.get_expiry_age() - (time.time() - activite)))


@receiver(user_logged_in, dispatch_uid="sessions_connexion")
def sessions_connexion(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    maintenant = time.time()
    request.session[SESSION_CONNEXION] = maintenant
    request.session[SESSION_ACTIVITE] = maintenant
    if request.session.session_key is None:
        request.session.save()
    SessionUtilisateur.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "user_agent": request.headers.get("User-Agent", "")[:200],
            "ip": adresse_client(request),
        },
    )


@receiver(user_logged_out, dispatch_uid="sessions_deconnexion")
def sessions_deconnexion(sender, request, user, **kwargs):
    if request is not None and request.session.session_key:
        SessionUtilisateur.objects.filter(session_key=request.session.session_key).delete()


def sessions_terminer(*, user: User, sauf: str | None = None, cle: str | None = None) -> int:
    """End the user's sessions server-side (all, all but `sauf`, or the one `cle`)."""
    lignes = SessionUtilisateur.objects.filter(user=user)
    if sauf:
        lignes = lignes.exclude(session_key=sauf)
    if cle:
        lignes = lignes.filter(session_key=cle)
    cles = list(lignes.values_list("session_key", flat=True))
    with transaction.atomic():
        Session.objects.filter(session_key__in=cles).delete()
        lignes.delete()
    return len(cles)


@receiver(post_save, sender=User, dispatch_uid="sessions_compte_desactive")
def sessions_compte_desactive(sender, instance, **kwargs):
    if not instance.is_active:
        sessions_terminer(user=instance)


def _appareil_supprime(sender, instance, **kwargs):
    """A deleted second-factor device ends the sessions it may have verified."""
    if instance.user_id:
        sessions_terminer(user=User(pk=instance.user_id))


def brancher_appareils():
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for modele in (TOTPDevice, StaticDevice):
        post_delete.connect(
            _appareil_supprime, sender=modele, dispatch_uid=f"sessions_{modele.__name__}"
        )


class DureeSessionMiddleware:
    """Ends a session older than REUSSITE_SESSION_DUREE_MAX (default 12 h) whatever the
    activity; renews a signed-in session whose last renewal is REUSSITE_SESSION_RENOUVELLEMENT
    seconds old (also the last activity "Mes sessions" shows); tells the page how long the
    session has left (ENTETE_EXPIRE_DANS)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        connexion = session.get(SESSION_CONNEXION)
        maintenant = time.time()
        if connexion is not None and maintenant - connexion > duree_max():
            logout(request)
            messages.info(request, _t("Votre session a expiré : reconnectez-vous."))
            return redirect(settings.LOGIN_URL)
        if connexion is None:
            return self.get_response(request)
        activite = session.get(SESSION_ACTIVITE) or 0
        if maintenant - activite >= settings.REUSSITE_SESSION_RENOUVELLEMENT:
            renouveler(session, maintenant)
        reponse = self.get_response(request)
        # Still signed in (not logged out by the view, which empties the session).
        if SESSION_CONNEXION in session:
            if session.modified:
                # The view changed the session: it is saved anyway, with a new expiry date, so
                # the renewal costs nothing and keeps `expire_dans` exact.
                renouveler(session, maintenant)
            reponse.headers[ENTETE_EXPIRE_DANS] = str(expire_dans(session))
        return reponse
