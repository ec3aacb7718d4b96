"""Optional error reporting to Sentry (issue 20), on when SENTRY_DSN is set.

Nothing personal leaves: no request body, cookies, query string, headers that identify a person
or a session, user e-mail or name (the account id alone), local variables, nor breadcrumb data
(SQL parameters, log arguments). Imported by the settings: nothing here may import models.
"""

from urllib.parse import urlsplit, urlunsplit

__all__ = ["initialiser", "nettoyer"]

ENTETES_GARDEES = {"host", "user-agent", "content-type", "content-length", "accept", "x-request-id"}


def nettoyer(event, hint=None):
    requete = event.get("request")
    if isinstance(requete, dict):
        for cle in ("data", "cookies", "query_string", "env"):
            requete.pop(cle, None)
        entetes = requete.get("headers") or {}
        requete["headers"] = {k: v for k, v in entetes.items() if k.lower() in ENTETES_GARDEES}
        if requete.get("url"):
            adresse = urlsplit(requete["url"])
            requete["url"] = urlunsplit((adresse.scheme, adresse.netloc, adresse.path, "", ""))
    utilisateur = event.get("user")
    if isinstance(utilisateur, dict):
        event["user"] = {"id": utilisateur["id"]} if "id" in utilisateur else {}
    miettes = event.get("breadcrumbs")
    valeurs = miettes.get("values") if isinstance(miettes, dict) else miettes
    for miette in valeurs or []:
        miette.pop("data", None)
    return event


def initialiser(dsn: str, *, environnement: str = "production", transport=None) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    options = {"transport": transport} if transport is not None else {}
    sentry_sdk.init(
        dsn=dsn,
        environment=environnement,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # Collected by nothing (before_send strips them again, whatever the SDK's defaults).
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "database_query_data": False,
            "stack_frame_variables": False,
        },
        max_request_body_size="never",
        traces_sample_rate=0,
        before_send=nettoyer,
        before_send_transaction=nettoyer,
        **options,
    )
