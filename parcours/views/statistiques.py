"""Steering statistics and the annual-survey export.

The statistics show aggregates only. The pathway list export is a registered list export
(`parcours/exports.py`, served by `reussite.core.views.exports.exporter`)."""

from datetime import date

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from reussite.core.exports import reponse_csv, reponse_xlsx

from ..forms import AnneeForm, PeriodeForm
from ..selectors import (
    indicateurs_enquete,
    perimetre_pour,
    periode_par_defaut,
)
from ..selectors.statistiques import CLE_SESSION
from ..selectors.statistiques_agregees import (
    LIGNES_MAX_PLATEFORME,
    statistiques_agregees,
    statistiques_programme_en_cache,
)

FORMATS = ("csv", "xlsx")


@require_GET
def statistiques(request):
    perimetre = perimetre_pour(request.user, request.GET.get("programme"))
    debut, fin = periode_par_defaut()
    formulaire = PeriodeForm(
        request.GET if request.GET else None, perimetre=perimetre, debut=debut, fin=fin
    )
    if formulaire.is_bound and formulaire.is_valid():
        debut, fin = formulaire.cleaned_data["debut"], formulaire.cleaned_data["fin"]
    if perimetre.programme is None:
        # Every programme: the yearly aggregates added up (issue 18), so a calendar year.
        debut, fin = date(fin.year, 1, 1), date(fin.year, 12, 31)
        contexte = statistiques_agregees(perimetre, fin.year, lignes_max=LIGNES_MAX_PLATEFORME)
    else:
        contexte = statistiques_programme_en_cache(perimetre, debut, fin)
        contexte["fraicheur"] = None
    contexte["formulaire"] = formulaire
    if not request.session.get(CLE_SESSION):
        request.session[CLE_SESSION] = True  # the header's link, refreshed at each visit
    contexte["annee_enquete"] = fin.year if fin.year <= date.today().year else date.today().year
    return render(request, "parcours/statistiques/page.html", contexte)


@require_GET
def enquete_export(request, format):
    """The annual national survey's indicators, for one year, in one click."""
    if format not in FORMATS:
        raise Http404
    perimetre = perimetre_pour(request.user, request.GET.get("programme"))
    formulaire = AnneeForm(request.GET, perimetre=perimetre)
    annee = formulaire.cleaned_data["annee"] if formulaire.is_valid() else date.today().year
    lignes = indicateurs_enquete(perimetre, annee)
    nom = f"enquete-pre-{annee}-{perimetre.valeur}"
    entetes = [_("Rubrique"), _("Indicateur"), _("Valeur")]
    if format == "csv":
        return reponse_csv(nom, entetes, lignes)
    return reponse_xlsx(nom, [(_("Enquête %(annee)s") % {"annee": annee}, entetes, lignes)])
