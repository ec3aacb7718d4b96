"""Referrals: the partner's form and their list, the coordination's inbox and decisions.

Every referral is fetched through `access.orientation_pour`; lists start from
`Orientation.objects.recues_par` / `envoyees_par`.
"""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reussite.core.ecriture import ecrire, envoi_rejoue, tous_valides, version_soumise
from reussite.core.fichiers import TYPES_ACCEPTES
from reussite.core.pagination import parametres_sans_page
from reussite.core.stockage import reponse_fichier

from ..access import CapaciteOrientation, orientation_pour
from ..forms import (
    DecisionOrientationForm,
    FiltreOrientationsForm,
    OrientationForm,
    ReponseOrientationForm,
    membres_actifs,
)
from ..models import Orientation, StatutOrientation
from ..selectors import programmes_coordonnes
from ..services import (
    DecisionOrientation,
    avertissement_age,
    orientation_decider,
    orientation_deposer,
    orientation_repondre,
)
from ..services.orientations import doublons_de

PAR_PAGE = 25


def _liste(request, orientations, gabarit: str, contexte: dict):
    page = Paginator(orientations, PAR_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        gabarit,
        {"page": page, "parametres": parametres_sans_page(request), **contexte},
    )


@require_GET
def orientations_recues(request):
    """The coordination's inbox: referrals waiting for a decision first; a partner who is not
    a coordinator lands on their own referrals."""
    if not programmes_coordonnes(request.user).exists():
        return redirect("parcours:orientations_envoyees")
    filtre = FiltreOrientationsForm(request.GET or None)
    statut = filtre.cleaned_data["statut"] if filtre.is_valid() else ""
    orientations = (
        Orientation.objects.recues_par(request.user)
        .avec_doublon()
        .select_related("programme", "structure", "auteur__user")
        .order_by("recue_le", "pk")
    )
    if not statut:
        orientations = orientations.ouvertes()
    elif statut != "toutes":
        orientations = orientations.filter(statut=statut).order_by("-recue_le", "-pk")
    return _liste(
        request,
        orientations,
        "parcours/orientations/recues.html",
        {"filtre": filtre, "peut_orienter": membres_actifs(request.user).exists()},
    )


@require_GET
def orientations_envoyees(request):
    """The referrer's referrals, each with its status and dates, never the pathway."""
    orientations = (
        Orientation.objects.envoyees_par(request.user)
        .select_related("programme")
        .order_by("-recue_le", "-pk")
    )
    return _liste(
        request,
        orientations,
        "parcours/orientations/envoyees.html",
        {"peut_orienter": membres_actifs(request.user).exists()},
    )


def orientation_creer(request):
    """A partner professional refers a child (a creation form: one-time token)."""
    if not membres_actifs(request.user).exists():
        raise PermissionDenied
    form = OrientationForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        user=request.user,
    )
    avertissements = []

    def page():
        if avertissements:
            form.fields["confirmer"].widget.attrs["autofocus"] = True
        return render(
            request,
            "parcours/orientations/creer.html",
            {
                "form": form,
                "avertissements": avertissements,
                "plusieurs_programmes": form.fields["programme"].queryset.count() > 1,
            },
        )

    if request.method == "POST" and (rejoue := envoi_rejoue(request)) is not None:
        return rejoue
    if request.method == "POST" and tous_valides([form]):
        # The same warning as at creation: outside 2–16 years, the referrer confirms.
        avertissement = avertissement_age(
            date_naissance=form.cleaned_data["date_naissance"], date_entree=date.today()
        )
        if avertissement and not form.cleaned_data["confirmer"]:
            avertissements.append(avertissement)
            return page()
    return ecrire(
        request,
        form,
        lambda: orientation_deposer(
            auteur=form.cleaned_data["professionnel"],
            user=request.user,
            programme=form.cleaned_data["programme"],
            donnees=form.donnees(),
            fichier=form.cleaned_data["document"],
        ),
        creation=True,
        succes=_(
            "Votre orientation est envoyée à la coordination du PRE. Vous suivrez ici sa prise "
            "en compte."
        ),
        suite=lambda orientation: reverse("parcours:orientation", args=[orientation.pk]),
        page=page,
    )


def _page_orientation(request, orientation, *, decision=None, reponse=None, status=200):
    droits = orientation.droits
    contexte = {
        "orientation": orientation,
        "droits": droits,
        "echanges": orientation.echanges.select_related("auteur"),
        "ouverte": orientation.est_ouverte,
    }
    if droits.coordination:
        contexte["doublons"] = list(doublons_de(orientation).prefetch_related("parcours"))
        if orientation.est_ouverte:
            contexte["form_decision"] = decision or DecisionOrientationForm(
                orientation=orientation, prefix="decision"
            )
        if orientation.parcours_id:
            contexte["parcours_ouvert"] = orientation.parcours_id
    if droits.orienteur and orientation.statut == StatutOrientation.COMPLEMENT:
        contexte["form_reponse"] = reponse or ReponseOrientationForm(prefix="reponse")
    return render(request, "parcours/orientations/detail.html", contexte, status=status)


@require_GET
def orientation_detail(request, orientation_pk):
    orientation = orientation_pour(user=request.user, orientation_pk=orientation_pk)
    return _page_orientation(request, orientation)


@require_POST
def orientation_decider_vue(request, orientation_pk):
    orientation = orientation_pour(
        user=request.user,
        orientation_pk=orientation_pk,
        capacite=CapaciteOrientation.COORDINATION,
    )
    form = DecisionOrientationForm(request.POST, orientation=orientation, prefix="decision")

    def suite(resultat):
        return reverse("parcours:orientation", args=[resultat.pk])

    def succes(resultat):
        if resultat.statut == StatutOrientation.ACCEPTEE:
            return _("Orientation acceptée : le parcours est ouvert en repérage.")
        return _("Décision enregistrée ; l’orienteur en est informé.")

    return ecrire(
        request,
        form,
        lambda: orientation_decider(
            orientation=orientation,
            decision=DecisionOrientation(
                **{
                    nom: form.cleaned_data[nom]
                    for nom in (
                        "decision",
                        "message",
                        "service",
                        "referent",
                        "date_entree",
                        "confirmer_doublon",
                    )
                }
            ),
            version=version_soumise(request),
            auteur=request.user,
        ),
        succes=succes,
        suite=suite,
        page=lambda: _page_orientation(request, orientation, decision=form),
        actuelle=reverse("parcours:orientation", args=[orientation.pk]),
    )


@require_POST
def orientation_repondre_vue(request, orientation_pk):
    orientation = orientation_pour(
        user=request.user, orientation_pk=orientation_pk, capacite=CapaciteOrientation.ORIENTEUR
    )
    form = ReponseOrientationForm(request.POST, prefix="reponse")
    return ecrire(
        request,
        form,
        lambda: orientation_repondre(
            orientation=orientation, auteur=request.user, texte=form.cleaned_data["texte"]
        ),
        creation=True,
        succes=_("Votre réponse est transmise à la coordination."),
        suite=reverse("parcours:orientation", args=[orientation.pk]),
        page=lambda: _page_orientation(request, orientation, reponse=form),
    )


@require_GET
def orientation_document(request, orientation_pk):
    orientation = orientation_pour(user=request.user, orientation_pk=orientation_pk)
    if not orientation.document:
        raise Http404
    extension = TYPES_ACCEPTES.get(orientation.document_type_mime, "")
    return reponse_fichier(
        orientation.document,
        nom=f"orientation-{orientation.pk}{extension}",
        type_mime=orientation.document_type_mime or "application/octet-stream",
    )
