"""Reads for the security pages."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.sessions.models import Session
from django.utils import timezone

from ..models import SessionUtilisateur
from ..sessions import SESSION_ACTIVITE


@dataclass
class SessionOuverte:
    pk: int
    cree_le: dt.datetime
    derniere_activite: dt.datetime | None
    user_agent: str
    ip: str | None
    courante: bool


def sessions_de(user, *, courante: str | None) -> list[SessionOuverte]:
    """The user's sessions still alive (two queries whatever their number)."""
    lignes = list(SessionUtilisateur.objects.filter(user=user))
    vivantes = {
        s.session_key: s
        for s in Session.objects.filter(
            session_key__in=[ligne.session_key for ligne in lignes], expire_date__gt=timezone.now()
        )
    }
    resultat = []
    for ligne in lignes:
        session = vivantes.get(ligne.session_key)
        if session is None:
            continue
        activite = session.get_decoded().get(SESSION_ACTIVITE)
        resultat.append(
            SessionOuverte(
                pk=ligne.pk,
                cree_le=ligne.cree_le,
                derniere_activite=dt.datetime.fromtimestamp(activite, tz=dt.UTC)
                if activite
                else None,
                user_agent=ligne.user_agent[:80],
                ip=ligne.ip,
                courante=ligne.session_key == courante,
            )
        )
    return resultat
