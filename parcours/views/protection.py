"""Data-protection pages of a pathway, for the coordination of its programme: the right-of-access
export (PDF and JSON) and the rectification history. Anyone else gets the 404 of
`parcours_pour` (capability `COORDINATION`), traced as refused."""

import json

from django.conf import settings
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from reussite.core.models import Evenement
from reussite.core.pdf import pdf_depuis_html, reponse_pdf
from reussite.core.trace import tracer

from ..exports_documents import (
    GENRE_DROIT_ACCES,
    droit_acces_pour,
    html_droit_acces,
    parametres_parcours,
)
from ..selectors import HistoriqueModifications, droit_acces_donnees

__all__ = []


def _pour_coordination(request, pk):
    return droit_acces_pour(request.user, pk)


def _export(request, pk):
    parcours = _pour_coordination(request, pk)
    donnees = droit_acces_donnees(parcours)
    # Its own kind of trail entry: a full export is not an ordinary read (no content logged).
    tracer(user=request.user, evenement=Evenement.DROIT_ACCES, autorise=True, objet=parcours)
    nom = f"droit-acces-parcours-{parcours.pk}-{timezone.localdate():%Y%m%d}"
    return parcours, donnees, nom


@require_GET
def droit_acces_json(request, pk):
    _parcours, donnees, nom = _export(request, pk)
    reponse = HttpResponse(
        json.dumps(donnees, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder),
        content_type="application/json; charset=utf-8",
    )
    reponse["Content-Disposition"] = f'attachment; filename="{nom}.json"'
    reponse["Cache-Control"] = "no-store"
    return reponse


@require_GET
def droit_acces_pdf(request, pk):
    """The file as a PDF. A loaded pathway's runs to twenty pages: above the threshold, the page
    offers a background build (parcours/exports_documents.py) instead of the document."""
    parcours = _pour_coordination(request, pk)
    donnees = droit_acces_donnees(parcours)
    html = html_droit_acces(parcours, donnees, request=request)
    seuil = settings.PDF_SEUIL_ARRIERE_PLAN
    if seuil and len(html) > seuil:
        # Nothing left the platform yet: the worker writes the export's trail entry.
        return render(
            request,
            "parcours/exports/document_confirmer.html",
            {
                "parcours": parcours,
                "titre": _("Droit d’accès"),
                "genre": GENRE_DROIT_ACCES,
                "filtres": parametres_parcours(parcours),
            },
        )
    tracer(user=request.user, evenement=Evenement.DROIT_ACCES, autorise=True, objet=parcours)
    nom = f"droit-acces-parcours-{parcours.pk}-{timezone.localdate():%Y%m%d}"
    return reponse_pdf(pdf_depuis_html(html), nom)


@require_GET
def historique_modifications(request, pk):
    parcours = _pour_coordination(request, pk)
    page = Paginator(HistoriqueModifications(parcours), settings.PAGINATION_PAR_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "parcours/protection/historique.html",
        {"parcours": parcours, "enfant": parcours.enfant, "page": page},
    )
