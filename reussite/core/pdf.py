"""PDF documents rendered from templates with WeasyPrint.

WeasyPrint may only read the project's own static files: any other URL (remote, `file://`,
`data:` aside) is refused, so a document cannot be made to fetch anything from the network.

A built PDF is kept a short while in the shared cache under the digest of the HTML it was made
from (issue 18): downloading the same document again costs its queries and its template, not
WeasyPrint's layout (about 0.7 s of CPU for a loaded pathway's 19 pages). The key is the content
itself, so nothing can be served stale or to someone else: the HTML already holds everything the
PDF shows, as the requester may see it, and a view always checks access and writes its trace
before building the HTML. A document that changes at every request (the right-of-access file
lists its own download) simply never hits.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify

BASE_URL = "reussite-static:/"

logger = logging.getLogger(__name__)


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
    return pdf_depuis_html(render_to_string(gabarit, contexte, request=request))


def _cle(html: str) -> str:
    return "pdf:" + hashlib.sha256(html.encode()).hexdigest()


def pdf_en_cache(html: str) -> bytes | None:
    """The PDF of this very HTML if it was built less than `PDF_CACHE_SECONDES` ago."""
    if not settings.PDF_CACHE_SECONDES:
        return None
    try:
        return cache.get(_cle(html))
    except Exception:  # any cache failure: the document is built instead
        logger.warning("PDF cache unavailable (read)", exc_info=True)
        return None


def pdf_depuis_html(html: str) -> bytes:
    """PDF bytes of `html`, from the shared cache when the very same HTML was built less than
    `PDF_CACHE_SECONDES` ago. The cache is a shortcut, never a dependency: when Redis fails,
    the document is built as if it were not there."""
    contenu = pdf_en_cache(html)
    if contenu is not None:
        return contenu
    from weasyprint import HTML

    polices, images = _par_processus()
    contenu = HTML(string=html, base_url=BASE_URL, url_fetcher=_lire_statique).write_pdf(
        font_config=polices, cache=images
    )
    if duree := settings.PDF_CACHE_SECONDES:
        try:
            cache.set(_cle(html), contenu, duree)
        except Exception:  # the document is built: serve it anyway
            logger.warning("PDF cache unavailable (write)", exc_info=True)
    return contenu


def reponse_pdf(contenu: bytes, nom: str) -> HttpResponse:
    """Serve PDF bytes as a download whose file name is `nom`, slugified."""
    reponse = HttpResponse(contenu, content_type="application/pdf")
    reponse["Content-Disposition"] = f'attachment; filename="{slugify(nom) or "document"}.pdf"'
    reponse["Cache-Control"] = "no-store"
    return reponse
