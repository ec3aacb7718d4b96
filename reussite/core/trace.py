"""Write the access trail outside the request's transaction.

Entries go through the `trace` database alias: its own connection in autocommit, so that a
denied access that ends in a 404 (and rolls the request back) is still recorded.
"""

import contextvars
import logging

from django.contrib.contenttypes.models import ContentType

from .adresses import adresse_client
from .models import Evenement, TraceAcces

ALIAS = "trace"
logger = logging.getLogger(__name__)

_requete: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "trace_requete", default=None
)


class TraceMiddleware:
    """Remember where the request comes from, for the entries written while it runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        jeton = _requete.set(
            {
                "ip": adresse_client(request),
                "page": request.path[:200],
                "methode": request.method,
            }
        )
        try:
            return self.get_response(request)
        finally:
            _requete.reset(jeton)

    def process_view(self, request, view_func, view_args, view_kwargs):
        contexte = _requete.get()
        if contexte is not None and request.resolver_match is not None:
            contexte["page"] = (request.resolver_match.view_name or request.path)[:200]


def methode_requete() -> str:
    return (_requete.get() or {}).get("methode", "")


def tracer(
    *,
    user,
    evenement: Evenement,
    autorise: bool,
    objet=None,
    modele=None,
    object_id=None,
    programme_id=None,
    identifiant: str = "",
) -> None:
    contexte = _requete.get() or {}
    if objet is not None:
        modele, object_id = type(objet), objet.pk
        programme_id = programme_id or getattr(objet, "programme_id", None)
    TraceAcces.objects.using(ALIAS).create(
        user_id=getattr(user, "pk", None),
        evenement=evenement,
        autorise=autorise,
        content_type=ContentType.objects.db_manager(ALIAS).get_for_model(modele)
        if modele
        else None,
        object_id=object_id if isinstance(object_id, int) else None,
        programme_id=programme_id,
        page=contexte.get("page", ""),
        methode=contexte.get("methode", ""),
        ip=contexte.get("ip"),
        identifiant=identifiant[:254],
    )
