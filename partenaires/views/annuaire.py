"""Pages of the partner directory and the offers' forms. The catalogue and an offer's page show
the capacity used, a pathway figure: they are composed in `parcours/views/reseau.py`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reussite.core.forms import choix_soumis

from ..access import Capacite, offre_pour, peut_inviter, structure_pour
from ..forms.annuaire import AnnuaireFiltre, InvitationForm, OffreForm
from ..selectors import (
    offres_catalogue,
    programmes_du_reseau,
    structures_annuaire,
    structures_modifiables,
)
from ..services import (
    CHAMPS_OFFRE,
    OffreModifieeAilleurs,
    offre_creer,
    offre_depublier,
    offre_modifier,
    professionnel_inviter,
)

PAR_PAGE = 20


def _appliquer_erreurs(formulaire, erreur: ValidationError) -> None:
    if hasattr(erreur, "error_dict"):
        for champ, liste in erreur.error_dict.items():
            formulaire.add_error(champ if champ in formulaire.fields else None, liste)
    else:
        formulaire.add_error(None, erreur)


def _version(donnees) -> int | None:
    try:
        return int(donnees.get("version", ""))
    except ValueError:
        return None


# --- Directory -----------------------------------------------------------------------------------


def annuaire(request):
    programmes = programmes_du_reseau(request.user)
    filtre = AnnuaireFiltre(request.GET or None, programmes=programmes)
    structures = structures_annuaire(request.user)
    if filtre.is_valid():
        donnees = filtre.cleaned_data
        if donnees["q"]:
            structures = structures.filter(
                Q(nom__icontains=donnees["q"]) | Q(commune__icontains=donnees["q"])
            )
        if donnees["type"]:
            structures = structures.filter(type=donnees["type"])
        if donnees["programme"]:
            structures = structures.filter(partenariat__programme=donnees["programme"])
        if donnees["charte"]:
            structures = structures.filter(charte_signee=donnees["charte"] == "oui")
    page = Paginator(structures, PAR_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "partenaires/annuaire/liste.html",
        {
            "filtre": filtre,
            "page": page,
            "peut_inviter": peut_inviter(request.user),
        },
    )


def structure_detail(request, structure_pk):
    structure = structure_pour(user=request.user, pk=structure_pk)
    offres = offres_catalogue(request.user).filter(structure=structure, active=True)
    return render(
        request,
        "partenaires/annuaire/detail.html",
        {"structure": structure, "offres": offres, "peut_inviter": structure.peut_inviter},
    )


def professionnel_inviter_vue(request, structure_pk):
    structure = structure_pour(user=request.user, pk=structure_pk, capacite=Capacite.ADMINISTRATION)
    if request.method == "POST":
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                professionnel_inviter(
                    structure=structure,
                    email=form.cleaned_data["email"],
                    prenom=form.cleaned_data["prenom"],
                    nom=form.cleaned_data["nom"],
                    fonction=form.cleaned_data["fonction"],
                    auteur=request.user,
                    base_url=request.build_absolute_uri("/"),
                )
            except ValidationError as erreur:
                _appliquer_erreurs(form, erreur)
            else:
                messages.success(
                    request,
                    _("L’invitation a été envoyée à %(email)s.")
                    % {"email": form.cleaned_data["email"]},
                )
                return redirect("partenaires:structure", structure_pk=structure.pk)
    else:
        form = InvitationForm()
    return render(
        request, "partenaires/annuaire/inviter.html", {"structure": structure, "form": form}
    )


# --- Offer catalogue -----------------------------------------------------------------------------


def offre_creer_vue(request):
    structures = structures_modifiables(request.user)
    if not structures.exists():
        raise Http404
    structure_choisie = None
    if request.method == "POST":
        structure_choisie = choix_soumis(structures, request.POST.get("structure"))
    programmes = (
        structure_choisie.programmes.all()
        if structure_choisie
        else programmes_du_reseau(request.user).filter(structures__in=structures).distinct()
    )
    if request.method == "POST":
        form = OffreForm(request.POST, structures=structures, programmes=programmes)
        if form.is_valid():
            try:
                offre = offre_creer(
                    structure=form.cleaned_data["structure"],
                    donnees={champ: form.cleaned_data[champ] for champ in CHAMPS_OFFRE},
                    programmes=form.cleaned_data["programmes"],
                    auteur=request.user,
                )
            except ValidationError as erreur:
                _appliquer_erreurs(form, erreur)
            else:
                messages.success(request, _("L’offre a été publiée."))
                return redirect("partenaires:offre", offre_pk=offre.pk)
    else:
        form = OffreForm(structures=structures, programmes=programmes)
        if structures.count() == 1:
            form.initial["structure"] = structures.first().pk
    return render(
        request,
        "partenaires/offres/formulaire.html",
        {"form": form, "titre": _("Publier une offre"), "bouton": _("Publier l’offre")},
    )


def offre_modifier_vue(request, offre_pk):
    offre = offre_pour(user=request.user, pk=offre_pk, capacite=Capacite.ECRITURE)
    programmes = offre.structure.programmes.all()
    conflit = None
    if request.method == "POST":
        form = OffreForm(request.POST, instance=offre, structures=None, programmes=programmes)
        if form.is_valid():
            try:
                offre_modifier(
                    offre=offre,
                    donnees={champ: form.cleaned_data[champ] for champ in CHAMPS_OFFRE},
                    programmes=form.cleaned_data["programmes"],
                    version=_version(request.POST),
                    auteur=request.user,
                )
            except OffreModifieeAilleurs as exc:
                conflit = exc.actuel
                form.add_error(
                    None,
                    _(
                        "Quelqu’un a modifié cette offre pendant que vous la modifiiez. Vos "
                        "saisies sont conservées ci-dessous ; enregistrez à nouveau pour les "
                        "appliquer."
                    ),
                )
            except ValidationError as erreur:
                _appliquer_erreurs(form, erreur)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(request, _("L’offre a été modifiée."))
                return redirect("partenaires:offre", offre_pk=offre.pk)
    else:
        form = OffreForm(instance=offre, structures=None, programmes=programmes)
    return render(
        request,
        "partenaires/offres/formulaire.html",
        {
            "form": form,
            "offre": offre,
            "version": conflit.version if conflit else _version(request.POST) or offre.version,
            "titre": _("Modifier l’offre « %(offre)s »") % {"offre": offre.intitule},
            "bouton": _("Enregistrer"),
        },
    )


@require_POST
def offre_depublier_vue(request, offre_pk):
    offre = offre_pour(user=request.user, pk=offre_pk, capacite=Capacite.ECRITURE)
    try:
        offre_depublier(offre=offre, version=_version(request.POST), auteur=request.user)
    except OffreModifieeAilleurs:
        messages.error(
            request, _("L’offre a été modifiée entre-temps ; vérifiez-la avant de la retirer.")
        )
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, _("L’offre a été retirée du catalogue."))
    return redirect("partenaires:offre", offre_pk=offre.pk)
