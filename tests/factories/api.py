"""API tokens and clients, through the service as the account page does."""

import json

from django.test import Client

from reussite.core.api import jeton_creer
from reussite.core.models import PorteeJeton

TOUTES = [p.value for p in PorteeJeton]


def jeton(user, *, portees=None, duree_jours: int = 90) -> str:
    """A new token of `user` (all scopes by default); returns the secret."""
    return jeton_creer(
        user=user, nom="Logiciel de test", portees=portees or TOUTES, duree_jours=duree_jours
    )[1]


class ClientApi(Client):
    """A client that sends `Authorization: Bearer <secret>` (none when secret is None) and JSON."""

    def __init__(self, secret: str | None = None, **kwargs):
        headers = kwargs.pop("headers", {})
        if secret:
            headers["Authorization"] = f"Bearer {secret}"
        super().__init__(headers=headers, **kwargs)

    def post_json(self, url, donnees, *, cle=None):
        extra = {"headers": {"Idempotency-Key": str(cle)}} if cle else {}
        return self.post(url, json.dumps(donnees), content_type="application/json", **extra)


def client_api(user=None, **kwargs) -> ClientApi:
    return ClientApi(jeton(user, **kwargs) if user is not None else None)
