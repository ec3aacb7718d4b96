"""Pages of the exports flow: the action list (with its CSV/XLSX exports) and a pathway's
printable fiche."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from reussite.core.pagination import PaginationDifferee, parametres_sans_page
from reussite.core.pdf import pdf_depuis_html, pdf_en_cache, reponse_pdf

from ..exports_documents import GENRE, fiche_pour, html_fiche, parametres_parcours
from ..selectors import filtre_actions, programmes_coordonnes


@require_GET
def actions_liste(request):
    """Every action of the pathways the user may see, filtered: the coordination's view of the
    work under way. Coordinators only, like its exports (it names children)."""
    if not programmes_coordonnes(request.user).exists():
        raise Http404
    filtre = filtre_actions(request.user, request.GET)
    page = PaginationDifferee(filtre.qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "parcours/exports/actions.html",
        {"filtre": filtre, "page": page, "parametres": parametres_sans_page(request)},
    )


@require_GET
def fiche_pdf(request, pk):
    """The pathway's fiche, to hand to the family or to the EPS. Only those who read the whole
    pathway (its team: coordination and référent) get it; anyone else 404, traced. A long fiche
    (a loaded pathway: twenty pages, seconds of layout) is offered as a background build."""
    parcours = fiche_pour(request.user, pk)
    html = html_fiche(parcours, request=request)
    seuil = settings.PDF_SEUIL_ARRIERE_PLAN
    if seuil and len(html) > seuil and pdf_en_cache(html) is None:
        return render(
            request,
            "parcours/exports/document_confirmer.html",
            {
                "parcours": parcours,
                "titre": _("Fiche du parcours n° %(numero)s") % {"numero": parcours.pk},
                "genre": GENRE,
                "filtres": parametres_parcours(parcours),
            },
        )
    contenu = pdf_depuis_html(html)
    return reponse_pdf(contenu, _("fiche-parcours-%(numero)s") % {"numero": parcours.pk})
