"""Transfers between programmes: propose from a pathway, answer from the receiving side."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reussite.core.ecriture import ecrire, version_soumise

from ..access import Capacite, parcours_pour, transfert_pour
from ..forms import DecisionTransfertForm, TransfertForm
from ..models import StatutTransfert, Transfert
from ..selectors import parcours_detail_queryset, programmes_coordonnes
from ..services import transfert_accepter, transfert_proposer, transfert_refuser


def transfert_proposer_vue(request, pk):
    """The sending coordination proposes the transfer (a creation form: one-time token)."""
    parcours = parcours_pour(
        user=request.user,
        pk=pk,
        capacite=Capacite.MODIFICATION,
        queryset=parcours_detail_queryset(),
    )
    if not parcours.droits.coordinateur:
        raise Http404
    form = TransfertForm(
        request.POST if request.method == "POST" else None,
        origine=parcours.programme,
        recherche=request.GET.get("recherche", ""),
    )
    return ecrire(
        request,
        form,
        lambda: transfert_proposer(
            parcours=parcours,
            programme_destination=form.cleaned_data["programme_destination"],
            avec_notes_equipe=form.cleaned_data["avec_notes_equipe"],
            auteur=request.user,
        ),
        creation=True,
        succes=_("Le transfert est proposé : le programme qui accueille la famille va répondre."),
        suite=lambda transfert: reverse("parcours:transfert", args=[transfert.pk]),
        page=lambda: render(
            request,
            "parcours/transferts/proposer.html",
            {"parcours": parcours, "form": form, "recherche": request.GET.get("recherche", "")},
        ),
    )


@require_GET
def transferts_liste(request):
    """Transfers proposed to and by the programmes the user coordinates."""
    if not programmes_coordonnes(request.user).exists():
        raise PermissionDenied
    coordonnes = programmes_coordonnes(request.user).values("pk")
    base = Transfert.objects.select_related("programme_origine", "programme_destination")
    return render(
        request,
        "parcours/transferts/liste.html",
        {
            "recus": base.filter(programme_destination__in=coordonnes)[:50],
            "envoyes": base.filter(programme_origine__in=coordonnes)[:50],
        },
    )


def _page(request, transfert, form=None):
    return render(
        request,
        "parcours/transferts/detail.html",
        {
            "transfert": transfert,
            "droits": transfert.droits,
            "form": form
            or (
                DecisionTransfertForm(prefix="decision")
                if transfert.droits.reception and transfert.statut == StatutTransfert.PROPOSE
                else None
            ),
        },
    )


@require_GET
def transfert_detail(request, transfert_pk):
    transfert = transfert_pour(user=request.user, transfert_pk=transfert_pk)
    return _page(request, transfert)


@require_POST
def transfert_decider(request, transfert_pk):
    transfert = transfert_pour(user=request.user, transfert_pk=transfert_pk, decider=True)
    form = DecisionTransfertForm(request.POST, prefix="decision")

    def service():
        version = version_soumise(request)
        if form.cleaned_data["decision"] == "accepter":
            return transfert_accepter(transfert=transfert, auteur=request.user, version=version)
        return transfert_refuser(
            transfert=transfert,
            auteur=request.user,
            motif=form.cleaned_data["motif_refus"],
            version=version,
        )

    return ecrire(
        request,
        form,
        service,
        succes=lambda t: (
            _(
                "Transfert accepté : le parcours est ouvert en attente du consentement de la famille."
            )
            if t.statut == StatutTransfert.ACCEPTE
            else _("Transfert refusé ; le programme d’origine en est informé.")
        ),
        suite=reverse("parcours:transfert", args=[transfert.pk]),
        page=lambda: _page(request, transfert, form),
        actuelle=reverse("parcours:transfert", args=[transfert.pk]),
    )
