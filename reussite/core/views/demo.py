"""The demo's outgoing mail (`make run`): Django's file backend writes it under
EMAIL_FILE_PATH, and this page shows it to staff accounts, newest first. It answers 404 unless
REUSSITE_DEMO_COURRIELS is set, and to anyone who is not staff."""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

# Django's file backend separates the messages of one connection with this line.
SEPARATEUR = b"\n" + b"-" * 79 + b"\n"
NOMBRE_MAX = 200


@dataclass
class Courriel:
    fichier: str
    date: str
    destinataires: str
    sujet: str
    message_id: str
    texte: str


def _texte(message) -> str:
    corps = message.get_body(preferencelist=("plain", "html"))
    return corps.get_content() if corps is not None else ""


def courriels_envoyes(dossier: Path, nombre_max: int = NOMBRE_MAX) -> list[Courriel]:
    """The messages written by the file backend, newest file first."""
    if not dossier.is_dir():
        return []
    courriels: list[Courriel] = []
    fichiers = sorted(dossier.glob("*.log"), key=lambda f: f.stat().st_mtime, reverse=True)
    for fichier in fichiers:
        morceaux = [m for m in fichier.read_bytes().split(SEPARATEUR) if m.strip()]
        for brut in reversed(morceaux):
            message = email.message_from_bytes(brut, policy=email.policy.default)
            courriels.append(
                Courriel(
                    fichier=fichier.name,
                    date=str(message["Date"] or ""),
                    destinataires=str(message["To"] or ""),
                    sujet=str(message["Subject"] or ""),
                    message_id=str(message["Message-ID"] or ""),
                    texte=_texte(message),
                )
            )
            if len(courriels) >= nombre_max:
                return courriels
    return courriels


def courriels(request):
    if not settings.REUSSITE_DEMO_COURRIELS:
        raise Http404(_("Page introuvable."))
    if not (request.user.is_staff or request.user.is_superuser):
        raise Http404(_("Page introuvable."))
    dossier = Path(settings.EMAIL_FILE_PATH)
    return render(
        request,
        "core/demo_courriels.html",
        {"courriels": courriels_envoyes(dossier), "dossier": dossier, "nombre_max": NOMBRE_MAX},
    )
