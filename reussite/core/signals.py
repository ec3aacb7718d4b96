from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import Evenement
from .trace import tracer


@receiver(user_logged_in, dispatch_uid="trace_connexion")
def trace_connexion(sender, request, user, **kwargs):
    tracer(user=user, evenement=Evenement.CONNEXION, autorise=True)


@receiver(user_logged_out, dispatch_uid="trace_deconnexion")
def trace_deconnexion(sender, request, user, **kwargs):
    if user is not None:
        tracer(user=user, evenement=Evenement.DECONNEXION, autorise=True)


@receiver(user_login_failed, dispatch_uid="trace_echec_connexion")
def trace_echec_connexion(sender, credentials, request=None, **kwargs):
    tracer(
        user=None,
        evenement=Evenement.ECHEC_CONNEXION,
        autorise=False,
        identifiant=str(credentials.get("username", "")),
    )


# The header's « Protection des données » link (issue 19), decided once at login so that pages
# pay no query for it.
CLE_SESSION_PROTECTION = "nav_protection"


@receiver(user_logged_in, dispatch_uid="noter_acces_protection")
def noter_acces_protection(sender, request, user, **kwargs):
    from .roles import programmes_juridiques

    if request is not None and hasattr(request, "session"):
        request.session[CLE_SESSION_PROTECTION] = programmes_juridiques(user).exists()
