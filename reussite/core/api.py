"""The API's core pieces (issue 22): personal access tokens, their authentication, throttling
per token, French JSON errors, and the API's write helper (idempotency key, version).

The API follows the pages' rules: it never authenticates a request without a user (a token is
always a user's), so every call goes through that user's access module; a token without the
scope a view needs is refused (403), and an object the user may not see answers 404, like the
pages. The session is not an authentication of the API: a browser's cookies never reach it, so
that no CSRF question arises and a stolen session cannot script it.
"""

import hashlib
import secrets
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from .ecriture import ConflitDeModification
from .models import EnvoiFormulaire, JetonAPI, PorteeJeton, User

__all__ = [
    "EN_TETE_IDEMPOTENCE",
    "JetonAuthentication",
    "JetonThrottle",
    "PorteeRequise",
    "SansConnexionMixin",
    "creer_une_fois",
    "gestionnaire_erreurs",
    "jeton_creer",
    "jeton_revoquer",
]

PREFIXE = "rsk_"
DUREES_JOURS = (30, 90, 365)
# The last use is written at most this often: a read stays a read.
PRECISION_DERNIER_USAGE = timedelta(minutes=15)
EN_TETE_IDEMPOTENCE = "Idempotency-Key"


def empreinte(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# --- Services ------------------------------------------------------------------------------


@transaction.atomic
def jeton_creer(
    *, user: User, nom: str, portees: list[str], duree_jours: int
) -> tuple[JetonAPI, str]:
    """A new token for `user`; returns the row and the secret, which is never stored."""
    nom = (nom or "").strip()
    erreurs = {}
    if not nom:
        erreurs["nom"] = _("Donnez un nom au jeton, pour le reconnaître plus tard.")
    if not portees or any(p not in PorteeJeton.values for p in portees):
        erreurs["portees"] = _("Choisissez au moins une autorisation.")
    if duree_jours not in DUREES_JOURS:
        erreurs["duree_jours"] = _("Choisissez une durée de validité proposée.")
    if erreurs:
        raise ValidationError(erreurs)
    secret = PREFIXE + secrets.token_urlsafe(32)
    jeton = JetonAPI(
        user=user,
        nom=nom,
        prefixe=secret[: len(PREFIXE) + 6],
        empreinte=empreinte(secret),
        portees=sorted(set(portees)),
        expire_le=timezone.now() + timedelta(days=duree_jours),
    )
    jeton.full_clean()
    jeton.save()
    return jeton, secret


@transaction.atomic
def jeton_revoquer(*, jeton: JetonAPI) -> JetonAPI:
    """Revoke at once: the next call with it answers 401. Idempotent."""
    JetonAPI.objects.filter(pk=jeton.pk, revoque_le__isnull=True).update(revoque_le=timezone.now())
    jeton.refresh_from_db(fields=["revoque_le"])
    return jeton


# --- Authentication, permissions, throttling ------------------------------------------------


class JetonAuthentication(BaseAuthentication):
    """`Authorization: Bearer rsk_…`: the token's user, if the token is neither expired nor
    revoked and the user is active. A bad token is a 401, never an anonymous request."""

    mot_cle = "Bearer"

    def authenticate(self, request):
        en_tete = request.META.get("HTTP_AUTHORIZATION", "")
        if not en_tete:
            return None
        morceaux = en_tete.split()
        if len(morceaux) != 2 or morceaux[0].lower() != self.mot_cle.lower():
            raise exceptions.AuthenticationFailed(
                _("En-tête Authorization invalide : attendu « Bearer <jeton> ».")
            )
        jeton = (
            JetonAPI.objects.select_related("user").filter(empreinte=empreinte(morceaux[1])).first()
        )
        if jeton is None or not jeton.user.is_active:
            raise exceptions.AuthenticationFailed(_("Jeton inconnu."))
        if jeton.revoque_le is not None:
            raise exceptions.AuthenticationFailed(_("Ce jeton a été révoqué."))
        maintenant = timezone.now()
        if jeton.expire_le <= maintenant:
            raise exceptions.AuthenticationFailed(_("Ce jeton a expiré."))
        if jeton.dernier_usage_le is None or (
            maintenant - jeton.dernier_usage_le > PRECISION_DERNIER_USAGE
        ):
            JetonAPI.objects.filter(pk=jeton.pk).update(dernier_usage_le=maintenant)
        return jeton.user, jeton

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) to a request without credentials.
        return f'{self.mot_cle} realm="api"'


class PorteeRequise(BasePermission):
    """The token carries the scope the view declares (`portee`, or `portee_ecriture` for the
    methods that write). Authentication itself is required."""

    message = _("Ce jeton n’a pas l’autorisation nécessaire pour cette opération.")

    def has_permission(self, request, view):
        if request.user is None or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated(_("Authentification requise : jeton absent."))
        jeton = request.auth
        if not isinstance(jeton, JetonAPI):
            return False
        portee = getattr(view, "portee", None)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            portee = getattr(view, "portee_ecriture", portee)
        return portee is None or portee in jeton.portees


class JetonThrottle(SimpleRateThrottle):
    """Requests per token (not per user: each client of a person has its own budget), counted
    in the shared cache (Redis), so that every web node sees the same count."""

    scope = "jeton"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, JetonAPI):
            return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
        return None


class AnonymeThrottle(AnonRateThrottle):
    """The open data feed, per client address: the one the access trail and axes use (through
    the trusted proxies only), not DRF's reading of X-Forwarded-For, which a client sets."""

    scope = "anonyme"

    def get_ident(self, request):
        from .adresses import adresse_client

        return adresse_client(request) or "inconnue"


class SansConnexionMixin:
    """DRF authenticates inside the view: the site's login middleware must not redirect the
    API's requests to the login page (the 2FA and charter middlewares leave /api/ alone too)."""

    @classmethod
    def as_view(cls, *args, **kwargs):
        return login_not_required(super().as_view(*args, **kwargs))


# --- Errors ----------------------------------------------------------------------------------


def messages_par_champ(erreurs: dict) -> dict:
    """{field: [messages]}, the form-wide ones under DRF's `non_field_errors`."""
    return {
        ("non_field_errors" if champ == "__all__" else champ): [str(m) for m in liste]
        for champ, liste in erreurs.items()
    }


def _messages(erreur: ValidationError):
    if hasattr(erreur, "error_dict"):
        return messages_par_champ(erreur.message_dict)
    return {"non_field_errors": [str(m) for m in erreur.messages]}


def gestionnaire_erreurs(exc, context):
    """DRF's handler, plus the services' errors: a Django `ValidationError` is a 400 with the
    French messages by field, a stale or missing version a 409, and every error a JSON body."""
    # Imported here: rest_framework.views reads the settings that name this module's classes.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, ValidationError):
        return Response(_messages(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ConflitDeModification):
        return Response(
            {
                "detail": _(
                    "Cet objet a été modifié depuis votre lecture : relisez-le et envoyez sa "
                    "version actuelle."
                ),
                "version": getattr(exc.actuel, "version", None),
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Introuvable."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    return drf_exception_handler(exc, context)


# --- Writes ----------------------------------------------------------------------------------


def cle_idempotence(request) -> uuid.UUID:
    try:
        return uuid.UUID(request.headers.get(EN_TETE_IDEMPOTENCE, ""))
    except ValueError:
        raise ValidationError(
            {
                EN_TETE_IDEMPOTENCE: _(
                    "Une création porte un en-tête Idempotency-Key (un UUID neuf par création) : "
                    "renvoyée avec la même clé, elle ne crée rien deux fois."
                )
            }
        ) from None


def creer_une_fois(
    request, creer: Callable[[], Any], *, adresse: Callable[[Any], str]
) -> tuple[Any, str, bool]:
    """Run a creation once per idempotency key, the API's form of the pages' one-time token
    (reussite.core.ecriture): the key is consumed in the same transaction as the creation.
    Returns (created object or None, its address, whether it was created now). A key already
    used answers the address of what it created, never a second row."""
    cle = cle_idempotence(request)
    precedent = EnvoiFormulaire.objects.filter(jeton=cle).first()
    if precedent is not None:
        if precedent.user_id != request.user.pk:
            raise ValidationError({EN_TETE_IDEMPOTENCE: _("Cette clé a déjà été utilisée.")})
        return None, precedent.suite, False
    try:
        with transaction.atomic():
            envoi = EnvoiFormulaire.objects.create(jeton=cle, user=request.user)
            objet = creer()
            envoi.suite = adresse(objet)
            envoi.save(update_fields=["suite"])
    except IntegrityError:
        # The same key sent concurrently: the first one's row is there once it committed.
        precedent = EnvoiFormulaire.objects.filter(jeton=cle, user=request.user).first()
        if precedent is None:
            raise
        return None, precedent.suite, False
    return objet, envoi.suite, True


# --- Schema ------------------------------------------------------------------------------------

_ERREURS = {
    "400": "Requête invalide : les messages en français, par champ (`non_field_errors` pour "
    "l’ensemble).",
    "401": "Jeton absent, inconnu, expiré ou révoqué.",
    "403": "Le jeton n’a pas l’autorisation (portée) nécessaire, ou la charte n’est pas acceptée.",
    "404": "Introuvable, ou l’utilisateur du jeton n’a pas accès à cet objet (même réponse).",
    "409": "L’objet a été modifié depuis sa lecture.",
    "415": "Le corps n’est pas du JSON.",
    "429": "Trop de requêtes pour ce jeton : réessayez plus tard (en-tête Retry-After).",
}


def erreurs_documentees(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents the errors it may
    answer, with one JSON body shape, so that a client (and schemathesis) knows them."""
    result.setdefault("components", {}).setdefault("schemas", {})["Erreur"] = {
        "type": "object",
        "description": "Une erreur : `detail`, ou des messages par champ.",
        "properties": {"detail": {"type": "string"}},
        "additionalProperties": True,
    }
    for chemin in result.get("paths", {}).values():
        for methode, operation in chemin.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = ["400", "404", "429"]
            if operation.get("security") != [{}] and operation.get("security"):
                codes += ["401", "403"]
            if methode in ("post", "put", "patch"):
                codes += ["409", "415"]
            for code in codes:
                operation["responses"].setdefault(
                    code,
                    {
                        "description": _ERREURS[code],
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Erreur"}}
                        },
                    },
                )
    return result
