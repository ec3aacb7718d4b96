"""PDF documents rendered from templates with WeasyPrint.

WeasyPrint may only read the project's own static files: any other URL (remote, `file://`,
`data:` aside) is refused, so a document cannot be made to fetch anything from the network.
"""

from __future__ import annotations

import mimetypes
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify

BASE_URL = "reussite-static:/"


def _lire_statique(url: str) -> dict:
    morceaux = urlsplit(url)
    if morceaux.scheme == "data":
        from weasyprint.urls import default_url_fetcher

        return default_url_fetcher(url)
    chemin = unquote(morceaux.path)
    prefixe = settings.STATIC_URL
    if morceaux.scheme not in ("reussite-static", "") or not chemin.startswith(prefixe):
        raise ValueError(f"PDF resources are limited to static files, not {url!r}")
    trouve = finders.find(chemin.removeprefix(prefixe))
    if not trouve:
        raise ValueError(f"Static file not found: {chemin!r}")
    with open(trouve, "rb") as fichier:
        contenu = fichier.read()
    return {"string": contenu, "mime_type": mimetypes.guess_type(trouve)[0]}


_PROCESSUS: dict = {}


def _par_processus():
    """What WeasyPrint would otherwise build again for every document (issue 18): the
    fontconfig configuration (the system's fonts scanned and matched) and the cache of the
    static images. Documents declare no @font-face, so one configuration serves them all; the
    images are the project's static files only (`_lire_statique`), identical for every user."""
    if not _PROCESSUS:
        from weasyprint.text.fonts import FontConfiguration

        _PROCESSUS["polices"] = FontConfiguration()
        _PROCESSUS["images"] = {}
    return _PROCESSUS["polices"], _PROCESSUS["images"]


def pdf_depuis_gabarit(gabarit: str, contexte: dict, *, request=None) -> bytes:
    """Render `gabarit` (a full HTML document, see templates/pdf/base.html) to PDF bytes."""
    from weasyprint import HTML

    html = render_to_string(gabarit, contexte, request=request)
    polices, images = _par_processus()
    return HTML(string=html, base_url=BASE_URL, url_fetcher=_lire_statique).write_pdf(
        font_config=polices, cache=images
    )


def reponse_pdf(contenu: bytes, nom: str) -> HttpResponse:
    """Serve PDF bytes as a download whose file name is `nom`, slugified."""
    reponse = HttpResponse(contenu, content_type="application/pdf")
    reponse["Content-Disposition"] = f'attachment; filename="{slugify(nom) or "document"}.pdf"'
    reponse["Cache-Control"] = "no-store"
    return reponse
