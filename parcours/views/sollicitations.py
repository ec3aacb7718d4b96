"""Requests to partners (issue 21): the pathway's team asks, the partner answers, an accepted
request becomes an action; and the obstacles report."""

from datetime import date

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reussite.core.ecriture import ecrire, envoi_rejoue, version_soumise
from reussite.core.exports import reponse_csv, reponse_xlsx

from ..access import Capacite, parcours_pour, sollicitation_equipe_pour, sollicitation_pour
from ..forms import (
    PeriodeForm,
    SollicitationActionForm,
    SollicitationForm,
    SollicitationReorienterForm,
    SollicitationReponseForm,
)
from ..models import StatutSollicitation
from ..selectors import (
    AXES_OBSTACLES,
    boite_sollicitations,
    perimetre_pour,
    periode_par_defaut,
    rapport_obstacles,
    sollicitations_du_parcours,
)
from ..services import (
    avertissement_hors_consentement,
    sollicitation_creer,
    sollicitation_en_action,
    sollicitation_reorienter,
    sollicitation_repondre,
    sollicitation_retirer,
)

# --- The pathway's team ---------------------------------------------------------------------


@require_GET
def sollicitations_parcours(request, pk):
    parcours = parcours_pour(user=request.user, pk=pk, capacite=Capacite.EQUIPE)
    return render(
        request,
        "parcours/sollicitations/parcours.html",
        {
            "parcours": parcours,
            "sollicitations": sollicitations_du_parcours(parcours),
            "peut_solliciter": parcours.droits.modifier,
        },
    )


def _vers_liste(parcours) -> str:
    return reverse("parcours:sollicitations_parcours", args=[parcours.pk])


def sollicitation_creer_vue(request, pk):
    parcours = parcours_pour(user=request.user, pk=pk, capacite=Capacite.MODIFICATION)
    if request.method == "POST":
        form = SollicitationForm(request.POST, parcours=parcours)
    else:
        initial = {}
        if request.GET.get("objectif", "").isdigit():
            initial["objectif"] = request.GET["objectif"]
        form = SollicitationForm(initial=initial, parcours=parcours)
    return ecrire(
        request,
        form,
        lambda: sollicitation_creer(parcours=parcours, auteur=request.user, **form.cleaned_data),
        creation=True,
        succes=_("La sollicitation a été envoyée au partenaire."),
        suite=lambda s: reverse("parcours:sollicitation_equipe", args=[parcours.pk, s.pk]),
        page=lambda: render(
            request,
            "parcours/sollicitations/creer.html",
            {"parcours": parcours, "form": form, "titre": _("Solliciter un partenaire")},
        ),
    )


def _detail_equipe(request, sollicitation, **contexte):
    parcours = sollicitation.parcours
    hors_consentement = None
    if (
        sollicitation.statut == StatutSollicitation.ACCEPTEE
        and sollicitation.action_id is None
        and sollicitation.droits.modifier
    ):
        hors_consentement = avertissement_hors_consentement(parcours, sollicitation.structure)
    return render(
        request,
        "parcours/sollicitations/equipe.html",
        {
            "parcours": parcours,
            "sollicitation": sollicitation,
            "hors_consentement": hors_consentement,
            "peut_retirer": sollicitation.droits.modifier
            and sollicitation.statut == StatutSollicitation.ENVOYEE,
            "peut_transformer": sollicitation.droits.modifier
            and sollicitation.statut == StatutSollicitation.ACCEPTEE
            and sollicitation.action_id is None,
            "form_action": SollicitationActionForm(),
            "peut_reorienter": sollicitation.droits.modifier
            and sollicitation.statut == StatutSollicitation.REDIRIGEE
            and sollicitation.structure_conseillee_id is not None
            and sollicitation.suite_envoyee is None,
            "form_reorienter": SollicitationReorienterForm(),
            **contexte,
        },
    )


@require_GET
def sollicitation_equipe(request, pk, sollicitation_pk):
    sollicitation = sollicitation_equipe_pour(
        user=request.user, pk=pk, sollicitation_pk=sollicitation_pk
    )
    return _detail_equipe(request, sollicitation)


@require_POST
def sollicitation_retirer_vue(request, pk, sollicitation_pk):
    sollicitation = sollicitation_equipe_pour(
        user=request.user, pk=pk, sollicitation_pk=sollicitation_pk, capacite=Capacite.MODIFICATION
    )
    form = SollicitationActionForm(request.POST)
    return ecrire(
        request,
        form,
        lambda: sollicitation_retirer(
            sollicitation=sollicitation, version=version_soumise(request), auteur=request.user
        ),
        succes=_("La sollicitation a été retirée."),
        suite=reverse("parcours:sollicitation_equipe", args=[pk, sollicitation.pk]),
        page=lambda: _detail_equipe(request, sollicitation, form_retrait=form),
        actuelle=reverse("parcours:sollicitation_equipe", args=[pk, sollicitation.pk]),
    )


@require_POST
def sollicitation_en_action_vue(request, pk, sollicitation_pk):
    """One step: the accepted request becomes a planned action. When the family's consent does
    not name the structure, the same confirmation as any action is required."""
    if (rejoue := envoi_rejoue(request)) is not None:
        return rejoue
    sollicitation = sollicitation_equipe_pour(
        user=request.user, pk=pk, sollicitation_pk=sollicitation_pk, capacite=Capacite.MODIFICATION
    )
    form = SollicitationActionForm(request.POST)
    return ecrire(
        request,
        form,
        lambda: sollicitation_en_action(
            sollicitation=sollicitation,
            version=version_soumise(request),
            auteur=request.user,
            hors_consentement_confirme=form.cleaned_data["confirmer_consentement"],
        ),
        creation=True,
        succes=_("La sollicitation acceptée est devenue une action du parcours."),
        suite=reverse("parcours:objectifs", args=[pk]),
        page=lambda: _detail_equipe(request, sollicitation, form_action=form),
        actuelle=reverse("parcours:sollicitation_equipe", args=[pk, sollicitation.pk]),
    )


@require_POST
def sollicitation_reorienter_vue(request, pk, sollicitation_pk):
    """One step: the redirected request goes to the structure the partner suggested, as a new
    request linked to the first. The form carries the first request's version (a concurrent
    confirmation is a conflict) and a one-time token (sent twice, one request)."""
    if (rejoue := envoi_rejoue(request)) is not None:
        return rejoue
    sollicitation = sollicitation_equipe_pour(
        user=request.user, pk=pk, sollicitation_pk=sollicitation_pk, capacite=Capacite.MODIFICATION
    )
    form = SollicitationReorienterForm(request.POST)
    return ecrire(
        request,
        form,
        lambda: sollicitation_reorienter(
            sollicitation=sollicitation,
            version=version_soumise(request),
            auteur=request.user,
            echeance=form.cleaned_data["echeance"],
        ),
        creation=True,
        succes=_("La demande a été transmise à la structure conseillée."),
        suite=lambda s: reverse("parcours:sollicitation_equipe", args=[pk, s.pk]),
        page=lambda: _detail_equipe(request, sollicitation, form_reorienter=form),
        actuelle=reverse("parcours:sollicitation_equipe", args=[pk, sollicitation.pk]),
    )


# --- The partner ----------------------------------------------------------------------------


@require_GET
def sollicitations_recues(request):
    filtre = request.GET.get("filtre") or "a_repondre"
    page = Paginator(boite_sollicitations(request.user, filtre), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "parcours/sollicitations/recues.html",
        {"page": page, "filtre": filtre},
    )


def sollicitation_recue(request, sollicitation_pk):
    """The partner reads the request and answers it. Who may read it may answer it (the named
    professional, or any active member of the structure named alone)."""
    sollicitation = sollicitation_pour(user=request.user, sollicitation_pk=sollicitation_pk)
    form = SollicitationReponseForm(
        request.POST if request.method == "POST" else None, sollicitation=sollicitation
    )
    return ecrire(
        request,
        form,
        lambda: sollicitation_repondre(
            sollicitation=sollicitation,
            donnees=form.cleaned_data,
            version=version_soumise(request),
            auteur=request.user,
        ),
        succes=_("Votre réponse a été envoyée à l’équipe du parcours."),
        suite=reverse("parcours:sollicitation_recue", args=[sollicitation.pk]),
        page=lambda: render(
            request,
            "parcours/sollicitations/recue.html",
            {"sollicitation": sollicitation, "form": form},
        ),
    )


# --- The obstacles report -------------------------------------------------------------------

FORMATS = ("csv", "xlsx")


def _rapport(request):
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
    axe = request.GET.get("axe") if request.GET.get("axe") in AXES_OBSTACLES else "domaine"
    return perimetre, formulaire, debut, fin, rapport_obstacles(perimetre, debut, fin, axe)


@require_GET
def obstacles(request):
    perimetre, formulaire, debut, fin, rapport = _rapport(request)
    return render(
        request,
        "parcours/sollicitations/obstacles.html",
        {
            "perimetre": perimetre,
            "formulaire": formulaire,
            "rapport": rapport,
            "axes": [(cle, libelle) for cle, (libelle, _c) in AXES_OBSTACLES.items()],
            "debut": debut,
            "fin": fin,
            "requete": request.GET.urlencode(),
        },
    )


@require_GET
def obstacles_export(request, format):
    if format not in FORMATS:
        raise Http404
    perimetre, _f, debut, fin, rapport = _rapport(request)
    nom = f"obstacles-{perimetre.valeur}-{debut:%Y%m%d}-{fin:%Y%m%d}"
    if format == "csv":
        return reponse_csv(nom, rapport.entetes(), rapport.lignes_export())
    return reponse_xlsx(nom, [(_("Obstacles"), rapport.entetes(), rapport.lignes_export())])
