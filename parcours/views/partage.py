"""Consent, assignments and the charter: the pages that decide what partners may see."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reussite.core.charte import CHARTE_VERSION, charte_acceptee
from reussite.core.ecriture import ecrire
from reussite.core.fichiers import TYPES_ACCEPTES
from reussite.core.pdf import pdf_depuis_gabarit, reponse_pdf
from reussite.core.services import charte_accepter
from reussite.core.stockage import reponse_fichier
from reussite.core.views.juridique import contexte_programme

from ..access import Capacite, consentement_pour, intervenant_pour, parcours_pour
from ..forms import IntervenantForm, PassationForm, RetraitConsentementForm, structures_partenaires
from ..models import Finalite
from ..permissions import permissions_recalculer_pour_user
from ..selectors import parcours_detail_queryset, programmes_coordonnes
from ..services import (
    consentement_retirer,
    fin_annee_scolaire,
    intervenant_ajouter,
    intervenant_retirer,
    portefeuille_passer,
)

SESSION_CHARTE = "charte_acceptee"


def charte_vue(request):
    """The interstitial page every professional goes through before a child's data."""
    suivant = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(suivant, allowed_hosts={request.get_host()}):
        suivant = ""
    if request.method == "POST":
        charte_accepter(user=request.user, version=CHARTE_VERSION)
        permissions_recalculer_pour_user(user=request.user)
        request.session[SESSION_CHARTE] = CHARTE_VERSION
        messages.success(request, _("Merci : vous avez accepté la charte de confidentialité."))
        return redirect(suivant or "accueil")
    return render(
        request,
        "parcours/charte.html",
        {
            "deja_acceptee": charte_acceptee(request.user),
            "next": suivant,
            "version": CHARTE_VERSION,
        },
    )


class CharteMiddleware:
    """Send a user who has not accepted the current charter to it before any child's data.

    The acceptance is remembered in the session, so that the check costs no query after it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or not request.user.is_authenticated:
            return None
        protegee = match.namespace == "parcours" or match.url_name == "accueil"
        if not protegee or match.url_name == "charte":
            return None
        if request.session.get(SESSION_CHARTE) == CHARTE_VERSION:
            return None
        if charte_acceptee(request.user):
            request.session[SESSION_CHARTE] = CHARTE_VERSION
            return None
        return redirect(f"{_url_charte()}?next={request.get_full_path()}")


def _url_charte():
    return reverse("parcours:charte")


@require_GET
def mes_suivis(request):
    from .pages import parcours_liste

    return parcours_liste(request, mes_suivis=True)


@require_GET
def consentement_formulaire(request, pk):
    """The consent form to print and have signed, prefilled with the child and the family."""
    parcours = parcours_pour(
        user=request.user,
        pk=pk,
        capacite=Capacite.CONSENTEMENT,
        queryset=parcours_detail_queryset(),
    )
    return render(request, "parcours/consentement_imprimer.html", _contexte_formulaire(parcours))


@require_GET
def consentement_formulaire_pdf(request, pk):
    """The same form as a PDF, to print where the page cannot be printed (issue 19)."""
    parcours = parcours_pour(
        user=request.user,
        pk=pk,
        capacite=Capacite.CONSENTEMENT,
        queryset=parcours_detail_queryset(),
    )
    contenu = pdf_depuis_gabarit(
        "parcours/consentement_pdf.html", _contexte_formulaire(parcours), request=request
    )
    return reponse_pdf(contenu, _("formulaire-consentement-%(numero)s") % {"numero": parcours.pk})


def _contexte_formulaire(parcours) -> dict:
    """The consent form's content: the child, the family, the partners, and the programme's
    legal identity (controller, DPO, retention, rights), with the family notice printed after
    it (issue 19)."""
    from datetime import date

    return {
        **contexte_programme(parcours.programme),
        **{
            "parcours": parcours,
            "enfant": parcours.enfant,
            "responsables": [
                r for r in parcours.enfant.famille.responsables.all() if r.autorite_parentale
            ],
            "structures": structures_partenaires(parcours.programme),
            "finalites": Finalite.choices,
            "expiration": fin_annee_scolaire(date.today()),
            "deux_signataires": parcours.programme.consentement_deux_signataires,
        },
    }


@require_GET
def consentement_fichier(request, pk, consentement_pk):
    """Serve a consent scan: to the coordination and the référent only, never by URL alone."""
    consentement = consentement_pour(
        user=request.user,
        pk=pk,
        consentement_pk=consentement_pk,
        capacite=Capacite.EQUIPE,
        queryset=parcours_detail_queryset(),
    )
    parcours = consentement.parcours
    extension = "." + consentement.fichier.name.rsplit(".", 1)[-1]
    type_mime = next(
        (m for m, e in TYPES_ACCEPTES.items() if e == extension), "application/octet-stream"
    )
    return reponse_fichier(
        consentement.fichier,
        nom=f"consentement-{parcours.pk}-{consentement.pk}{extension}",
        type_mime=type_mime,
    )


def consentement_retirer_vue(request, pk, consentement_pk):
    consentement = consentement_pour(
        user=request.user,
        pk=pk,
        consentement_pk=consentement_pk,
        capacite=Capacite.ECRITURE,
        queryset=parcours_detail_queryset(),
    )
    parcours = consentement.parcours
    form = RetraitConsentementForm(request.POST if request.method == "POST" else None)
    # No version: a withdrawal is made once (the service refuses a second one).
    return ecrire(
        request,
        form,
        lambda: consentement_retirer(
            consentement=consentement,
            date_retrait=form.cleaned_data["date_retrait"],
            motif=form.cleaned_data["motif_retrait"],
            auteur=request.user,
        ),
        succes=_(
            "Le retrait du consentement est enregistré : les partenaires n’ont plus accès au parcours."
        ),
        suite=reverse("parcours:partage", args=[parcours.pk]),
        page=lambda: render(
            request,
            "parcours/consentement_retirer.html",
            {"parcours": parcours, "consentement": consentement, "form": form},
        ),
    )


@require_POST
def intervenant_ajouter_vue(request, pk):
    parcours = parcours_pour(
        user=request.user, pk=pk, capacite=Capacite.ECRITURE, queryset=parcours_detail_queryset()
    )
    form = IntervenantForm(request.POST, parcours=parcours, prefix="intervenant")

    def refus():
        # The form sits on the pathway's page: its errors are shown there.
        for erreurs in form.errors.values():
            for erreur in erreurs:
                messages.error(request, erreur)
        return redirect("parcours:partage", pk=parcours.pk)

    return ecrire(
        request,
        form,
        lambda: intervenant_ajouter(
            parcours=parcours,
            professionnel=form.cleaned_data["professionnel"],
            auteur=request.user,
        ),
        creation=True,
        succes=_("L’intervenant a été ajouté au parcours."),
        suite=reverse("parcours:partage", args=[parcours.pk]),
        page=refus,
    )


@require_POST
def intervenant_retirer_vue(request, pk, intervenant_pk):
    intervenant = intervenant_pour(
        user=request.user,
        pk=pk,
        intervenant_pk=intervenant_pk,
        queryset=parcours_detail_queryset(),
    )
    parcours = intervenant.parcours
    intervenant_retirer(intervenant=intervenant, auteur=request.user)
    messages.success(request, _("L’intervenant n’a plus accès à ce parcours."))
    return redirect("parcours:partage", pk=parcours.pk)


def passation_vue(request):
    """Hand a référent's whole caseload over to another référent (coordinators only)."""
    programmes = programmes_coordonnes(request.user)
    if not programmes.exists():
        raise PermissionDenied
    form = PassationForm(request.POST if request.method == "POST" else None, programmes=programmes)
    return ecrire(
        request,
        form,
        lambda: portefeuille_passer(
            programme=form.cleaned_data["programme"],
            ancien=form.cleaned_data["ancien"],
            nouveau=form.cleaned_data["nouveau"],
            auteur=request.user,
        ),
        succes=lambda nombre: (
            _("%(nombre)s parcours confiés au nouveau référent.") % {"nombre": nombre}
        ),
        suite=reverse("parcours:liste"),
        page=lambda: render(request, "parcours/passation.html", {"form": form}),
    )
