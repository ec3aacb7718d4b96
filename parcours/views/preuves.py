"""The funders' evidence packs (issue 21): the list of a programme's convention parties, and
one party's pack for one year, from which a PDF and an XLSX are built in the background by the
core's exports (`exports:demander`, `parcours.exports_preuves`).

Reserved to the programme's coordinators, administrators and steering committee (aggregates
only, small counts masked for all but the coordinators); anyone else, and any id of another
programme, gets 404 (`partenaires.access.financeur_pour`)."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from partenaires.access import financeur_pour, programmes_des_preuves

from ..exports_preuves import GENRE, parametres_preuves
from ..selectors.preuves import dossier_preuves, financeurs_du_programme


@require_GET
def preuves_liste(request):
    """The programme's convention parties and the years their conventions cover."""
    programmes = list(programmes_des_preuves(request.user).order_by("nom", "pk"))
    if not programmes:
        raise Http404
    demande = request.GET.get("programme")
    programme = (
        next((p for p in programmes if str(p.pk) == demande), None) if demande else programmes[0]
    )
    if programme is None:
        raise Http404
    return render(
        request,
        "parcours/preuves/liste.html",
        {
            "programmes": programmes,
            "programme": programme,
            "financeurs": financeurs_du_programme(programme),
        },
    )


@require_GET
def preuves_dossier(request):
    """One party's pack for one year, on screen, with the buttons that build its files."""
    financeur = financeur_pour(
        user=request.user,
        programme_pk=request.GET.get("programme"),
        structure_pk=request.GET.get("structure"),
        annee=request.GET.get("annee", ""),  # required: no year, no pack (404)
    )
    annee = int(request.GET["annee"])
    return render(
        request,
        "parcours/preuves/dossier.html",
        {
            "dossier": dossier_preuves(financeur, annee),
            "financeur": financeur,
            "annee": annee,
            "genre": GENRE,
            "filtres": parametres_preuves(financeur, annee),
        },
    )
