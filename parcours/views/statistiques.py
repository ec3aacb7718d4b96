"""Steering statistics, the annual-survey export, and the pathway list export.

The statistics show aggregates only. The list export carries identities: it is reserved to
coordinators, over what they may already see, and is traced."""

from datetime import date

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from reussite.core.journal import journaliser
from reussite.core.models import Evenement

from ..exports import (
    entetes_parcours,
    lignes_parcours,
    reponse_csv,
    reponse_xlsx,
)
from ..forms import AnneeForm, ParcoursFilter, PeriodeForm
from ..models import Parcours
from ..selectors import (
    indicateurs_enquete,
    parcours_pour_liste,
    perimetre_pour,
    periode_par_defaut,
    programmes_coordonnes,
    statistiques_programme,
)
from ..selectors.statistiques import CLE_SESSION

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
    contexte = statistiques_programme(perimetre, debut, fin)
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


@require_GET
def parcours_export(request, format):
    """The pathway list with its current filters. Coordinators only: anyone else gets 404."""
    if format not in FORMATS or not programmes_coordonnes(request.user).exists():
        raise Http404
    filtre = ParcoursFilter(request.GET, queryset=parcours_pour_liste(request.user))
    journaliser(user=request.user, evenement=Evenement.LECTURE, autorise=True, modele=Parcours)
    nom = f"parcours-{date.today():%Y-%m-%d}"
    lignes = lignes_parcours(filtre.qs)
    if format == "csv":
        return reponse_csv(nom, entetes_parcours(), lignes)
    return reponse_xlsx(nom, [(_("Parcours"), entetes_parcours(), lignes)])
