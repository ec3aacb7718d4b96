"""Pages of the offres flow: unmet needs from a pathway, their follow-up by coordinators,
and the competence map (table, chart, CSV)."""

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from partenaires.models import Offre
from reussite.core.ecriture import ecrire
from reussite.core.exports import neutraliser

from ..access import Capacite, parcours_pour
from ..forms import BesoinClotureForm, BesoinForm, CarteForm
from ..models import BesoinNonCouvert, StatutBesoin, tranche_age_de
from ..selectors import (
    besoins_du_programme,
    carte_competences,
    programmes_coordonnes,
)
from ..services import besoin_clore, besoin_enregistrer


def besoin_ajouter_vue(request, pk):
    parcours = parcours_pour(user=request.user, pk=pk, capacite=Capacite.MODIFICATION)
    enfant = parcours.enfant
    tranche = tranche_age_de(enfant.age())
    if request.method == "POST":
        form = BesoinForm(request.POST)
    else:
        form = BesoinForm(
            initial={"territoire": enfant.quartier or enfant.famille.commune},
        )
    return ecrire(
        request,
        form,
        lambda: besoin_enregistrer(
            parcours=parcours, tranche_age=tranche, auteur=request.user, **form.cleaned_data
        ),
        creation=True,
        succes=_("Le besoin non couvert a été enregistré."),
        suite=reverse("parcours:objectifs", args=[parcours.pk]),
        page=lambda: render(
            request,
            "parcours/offres/besoin_ajouter.html",
            {"parcours": parcours, "form": form, "tranche": tranche},
        ),
    )


def _programme_choisi(request):
    programmes = programmes_coordonnes(request.user).order_by("nom")
    if not programmes:
        raise Http404
    form = CarteForm(request.GET or None, programmes=programmes)
    if request.GET and form.is_valid():
        programme = form.cleaned_data["programme"]
    elif request.GET.get("programme"):
        raise Http404  # a programme the user does not coordinate
    else:
        programme = programmes[0]
        form = CarteForm(initial={"programme": programme}, programmes=programmes)
    return form, programme


@require_GET
def besoins_liste(request):
    form, programme = _programme_choisi(request)
    statut = request.GET.get("statut", StatutBesoin.OUVERT)
    statut = statut if statut in StatutBesoin.values else None
    return render(
        request,
        "parcours/offres/besoins.html",
        {
            "form": form,
            "programme": programme,
            "besoins": besoins_du_programme(programme, statut),
            "statut": statut,
        },
    )


def besoin_clore_vue(request, besoin_pk):
    besoin = get_object_or_404(
        BesoinNonCouvert.objects.filter(programme__in=programmes_coordonnes(request.user)),
        pk=besoin_pk,
    )
    offres = Offre.objects.publiees_pour([besoin.programme_id]).filter(
        active=True, domaine=besoin.domaine
    )
    form = BesoinClotureForm(request.POST if request.method == "POST" else None, offres=offres)
    return ecrire(
        request,
        form,
        lambda: besoin_clore(besoin=besoin, auteur=request.user, **form.cleaned_data),
        succes=_("Le besoin a été clos."),
        suite=f"{_url_besoins()}?programme={besoin.programme_id}",
        page=lambda: render(
            request, "parcours/offres/besoin_clore.html", {"besoin": besoin, "form": form}
        ),
    )


def _url_besoins():
    return reverse("parcours:besoins")


@require_GET
def carte_vue(request):
    form, programme = _programme_choisi(request)
    axe = (
        request.GET.get("axe") if request.GET.get("axe") in ("territoire", "age") else "territoire"
    )
    carte = carte_competences(programme, axe)
    if request.GET.get("format") == "csv":
        return _carte_csv(carte, programme)
    return render(
        request,
        "parcours/offres/carte.html",
        {"form": form, "programme": programme, "carte": carte, "axe": axe},
    )


def _carte_csv(carte, programme) -> HttpResponse:
    reponse = HttpResponse(content_type="text/csv; charset=utf-8")
    reponse["Content-Disposition"] = 'attachment; filename="carte-competences.csv"'
    reponse.write("\ufeff")
    ecrivain = csv.writer(reponse, delimiter=";")
    colonne = _("Territoire") if carte.axe == "territoire" else _("Tranche d’âge")
    ecrivain.writerow(
        [
            _("Domaine"),
            colonne,
            _("Offres"),
            _("Capacité restante"),
            _("Besoins non couverts ouverts"),
            _("Manque"),
            _("Demandes refusées ou en attente"),
        ]
    )
    for _cle, libelle, cellules in carte.lignes:
        for (_c, libelle_colonne), cellule in zip(carte.colonnes, cellules, strict=True):
            ecrivain.writerow(
                [
                    neutraliser(libelle),
                    neutraliser(libelle_colonne),
                    cellule.offres,
                    _("illimitée") if cellule.illimitee else cellule.restant,
                    cellule.besoins,
                    _("oui") if cellule.manque else _("non"),
                    cellule.sollicitees,
                ]
            )
    return reponse
