"""Pages about network objects that show pathway figures: the offer catalogue and an offer's
page, with the places or hours the actions have used.

They are `partenaires`' pages (its templates, its URL names under /partenaires/), composed here
because only this layer may read the actions: `partenaires` never imports `parcours`
(pyproject.toml, import-linter). Their URLs are wired by `parcours/urls.py` (`reseau_urls`)."""

from django.core.paginator import Paginator
from django.shortcuts import render

from partenaires.access import offre_pour
from partenaires.filters import OffreFilter
from partenaires.selectors import structures_modifiables
from partenaires.views.annuaire import PAR_PAGE

from ..selectors.mutualisation import offres_avec_utilisation, offres_catalogue_avec_utilisation


def _sans_page(parametres) -> str:
    parametres = parametres.copy()
    parametres.pop("page", None)
    return parametres.urlencode()


def catalogue(request):
    offres = offres_catalogue_avec_utilisation(request.user).filter(active=True)
    filtre = OffreFilter(request.GET or None, queryset=offres)
    page = Paginator(filtre.qs.order_by("intitule", "pk"), PAR_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "partenaires/offres/liste.html",
        {
            "filtre": filtre,
            "page": page,
            "peut_publier": structures_modifiables(request.user).exists(),
            "parametres": _sans_page(request.GET),
        },
    )


def offre_detail(request, offre_pk):
    offre = offre_pour(user=request.user, pk=offre_pk, annoter=offres_avec_utilisation)
    return render(
        request,
        "partenaires/offres/detail.html",
        {"offre": offre, "modifiable": offre.peut_modifier},
    )
