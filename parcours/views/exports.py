"""Pages of the exports flow: the action list (with its CSV/XLSX exports) and a pathway's
printable fiche."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from reussite.core.pagination import PaginationDifferee, parametres_sans_page
from reussite.core.pdf import pdf_depuis_gabarit, reponse_pdf

from ..access import Capacite, parcours_pour
from ..selectors import (
    fiche_du_parcours,
    filtre_actions,
    parcours_detail_queryset,
    programmes_coordonnes,
)


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
    pathway (its team: coordination and référent) get it; anyone else 404, traced."""
    parcours = parcours_pour(
        user=request.user,
        pk=pk,
        capacite=Capacite.EQUIPE,
        queryset=parcours_detail_queryset(),
    )
    contexte = {
        "parcours": parcours,
        "enfant": parcours.enfant,
        **fiche_du_parcours(parcours, parcours.droits),
    }
    contenu = pdf_depuis_gabarit("parcours/exports/fiche.html", contexte, request=request)
    return reponse_pdf(contenu, _("fiche-parcours-%(numero)s") % {"numero": parcours.pk})
