"""Objectives and actions of a pathway, the offer picker, and collective actions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from partenaires.models import Offre
from reussite.core.ecriture import ecrire, envoi_rejoue, version_soumise
from reussite.core.roles import programmes_coordonnes

from ..access import Capacite, action_pour, objectif_pour, parcours_pour
from ..forms import (
    ActionAvancementForm,
    ActionCollectiveForm,
    ActionForm,
    InscriptionCollectiveForm,
    ObjectifForm,
)
from ..models import StatutObjectif
from ..selectors import (
    actions_collectives_du_user,
    catalogue_pour_parcours,
    collective_pour,
    offre_pour_parcours,
    offres_du_parcours,
    parcours_inscriptibles,
    participants_visibles,
)
from ..services import (
    action_avancer,
    action_collective_creer,
    action_collective_inscrire,
    action_creer,
    action_modifier,
    avertissement_capacite,
    avertissement_hors_consentement,
    objectif_creer,
    objectif_modifier,
)


def _pour_modifier(request, pk):
    """The pathway, if the user may write on it (change permission and an open pathway)."""
    return parcours_pour(user=request.user, pk=pk, capacite=Capacite.MODIFICATION)


def _vers_section(parcours) -> str:
    """Objectives and actions live in their own section of the pathway's page."""
    return reverse("parcours:objectifs", args=[parcours.pk])


# --- Objectives -------------------------------------------------------------------------------


def objectif_ajouter(request, pk):
    parcours = _pour_modifier(request, pk)
    form = ObjectifForm(request.POST if request.method == "POST" else None)
    return ecrire(
        request,
        form,
        lambda: objectif_creer(parcours=parcours, donnees=form.cleaned_data, auteur=request.user),
        creation=True,
        succes=_("L’objectif a été ajouté."),
        suite=_vers_section(parcours),
        page=lambda: render(
            request,
            "parcours/actions/objectif.html",
            {"parcours": parcours, "form": form, "titre": _("Ajouter un objectif")},
        ),
    )


def objectif_modifier_vue(request, pk, objectif_pk):
    objectif = objectif_pour(user=request.user, pk=pk, objectif_pk=objectif_pk)
    parcours = objectif.parcours
    form = ObjectifForm(request.POST if request.method == "POST" else None, instance=objectif)
    return ecrire(
        request,
        form,
        lambda: objectif_modifier(
            objectif=objectif,
            donnees=form.cleaned_data,
            version=version_soumise(request),
            auteur=request.user,
        ),
        succes=_("L’objectif a été modifié."),
        suite=_vers_section(parcours),
        page=lambda: render(
            request,
            "parcours/actions/objectif.html",
            {
                "parcours": parcours,
                "form": form,
                "titre": _("Modifier l’objectif"),
                "version_de": objectif,
            },
        ),
    )


# --- Actions --------------------------------------------------------------------------------


@require_GET
def action_choisir_offre(request, pk):
    """The offer catalogue seen from a pathway: choosing an offer opens the action form."""
    parcours = _pour_modifier(request, pk)
    filtre = catalogue_pour_parcours(parcours, request.GET)
    page = Paginator(filtre.qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "parcours/actions/catalogue.html",
        {"parcours": parcours, "filtre": filtre, "page": page},
    )


def _objectif_suggere(parcours, offre):
    """The first open objective in the offer's domain: what the action most likely serves."""
    if offre is None:
        return None
    return (
        parcours.objectifs.filter(domaine=offre.domaine, statut=StatutObjectif.OUVERT)
        .order_by("date_ouverture", "pk")
        .first()
    )


def action_ajouter(request, pk):
    parcours = _pour_modifier(request, pk)
    source = request.POST if request.method == "POST" else request.GET
    offre, sans_objectif = None, None
    if source.get("offre"):
        offre = offre_pour_parcours(parcours, source.get("offre"))
        if offre is None and request.method != "POST":
            # An offer this programme cannot use: nothing about it is shown.
            raise Http404(_("Offre introuvable."))
    avertissement = avertissement_capacite(offre)
    arguments = {
        "parcours": parcours,
        "offres": offres_du_parcours(parcours),
        "avec_confirmation": avertissement is not None,
        # Kept only when the warning below is shown (removed further down otherwise).
        "avec_confirmation_consentement": True,
    }
    hors_consentement = None
    if request.method == "POST":
        form = ActionForm(request.POST, **arguments)
    else:
        initial = {}
        objectif = _objectif_suggere(parcours, offre)
        if offre is not None:
            initial |= {
                "offre": offre.pk,
                "intitule": offre.intitule,
                "structure": offre.structure_id,
                "cout": offre.cout,
            }
            hors_consentement = avertissement_hors_consentement(parcours, offre.structure)
        if request.GET.get("objectif", "").isdigit():
            objectif = parcours.objectifs.filter(pk=request.GET["objectif"]).first() or objectif
        if objectif is not None:
            initial["objectif"] = objectif.pk
        form = ActionForm(initial=initial, **arguments)
        if offre is not None and objectif is None:
            sans_objectif = offre.get_domaine_display()
    if avertissement:
        form.fields["confirmer_capacite"].widget.attrs["aria-describedby"] = "alerte-capacite"

    def page():
        return render(
            request,
            "parcours/actions/action.html",
            {
                "parcours": parcours,
                "form": form,
                "offre": offre,
                "avertissement": avertissement,
                "hors_consentement": hors_consentement,
                "sans_objectif": sans_objectif,
                "titre": _("Ajouter une action"),
            },
        )

    if request.method == "POST":
        if (rejoue := envoi_rejoue(request)) is not None:
            return rejoue  # a double click never meets the warning its first send passed
        if form.is_valid() and form.cleaned_data["professionnel"] is None:
            # A professional is checked by the service (the consent must cover them); a
            # structure alone is allowed, once the user knows its people will not see the child.
            hors_consentement = avertissement_hors_consentement(
                parcours, form.cleaned_data["structure"]
            )
    if hors_consentement:
        form.fields["confirmer_consentement"].widget.attrs |= {
            "aria-describedby": "alerte-consentement"
        }
        if request.method == "POST" and not form.cleaned_data["confirmer_consentement"]:
            form.fields["confirmer_consentement"].widget.attrs["autofocus"] = True
            return page()
    else:
        del form.fields["confirmer_consentement"]
    return ecrire(
        request,
        form,
        lambda: action_creer(
            parcours=parcours,
            donnees=form.donnees(),
            auteur=request.user,
            capacite_confirmee=form.cleaned_data.get("confirmer_capacite", False),
            hors_consentement_confirme=form.cleaned_data.get("confirmer_consentement", False),
        ),
        creation=True,
        succes=_("L’action a été ajoutée."),
        suite=_vers_section(parcours),
        page=page,
    )


def action_modifier_vue(request, pk, action_pk):
    """The team edits the whole action; the professional who delivers it, its progress only."""
    action = action_pour(
        user=request.user, pk=pk, action_pk=action_pk, capacite=Capacite.SUIVI_ACTION
    )
    parcours = action.parcours
    equipe = action.droits.modifier
    donnees = request.POST if request.method == "POST" else None
    if equipe:
        form = ActionForm(
            donnees,
            instance=action,
            parcours=parcours,
            offres=Offre.objects.publiees_pour([parcours.programme_id]),
        )
    else:
        form = ActionAvancementForm(donnees, instance=action)

    def enregistrer():
        if equipe:
            return action_modifier(
                action=action,
                donnees=form.donnees(),
                version=version_soumise(request),
                auteur=request.user,
            )
        return action_avancer(
            action=action,
            statut=form.cleaned_data["statut"],
            resultat=form.cleaned_data["resultat"],
            version=version_soumise(request),
            auteur=request.user,
        )

    return ecrire(
        request,
        form,
        enregistrer,
        succes=_("L’action a été modifiée."),
        suite=_vers_section(parcours),
        page=lambda: render(
            request,
            "parcours/actions/action.html",
            {
                "parcours": parcours,
                "form": form,
                "action": action,
                "offre": offre_pour_parcours(parcours, action.offre_id)
                if action.offre_id
                else None,
                "titre": _("Modifier l’action") if equipe else _("Suivre l’action"),
                "version_de": action,
            },
        ),
    )


# --- Collective actions -----------------------------------------------------------------------


@require_GET
def collectives_liste(request):
    if not programmes_coordonnes(request.user).exists():
        raise PermissionDenied
    return render(
        request,
        "parcours/actions/collectives.html",
        {"collectives": actions_collectives_du_user(request.user)},
    )


def collective_creer(request):
    programmes = programmes_coordonnes(request.user)
    if not programmes.exists():
        raise PermissionDenied
    form = ActionCollectiveForm(
        request.POST if request.method == "POST" else None, programmes=programmes
    )
    return ecrire(
        request,
        form,
        lambda: action_collective_creer(
            programme=form.cleaned_data["programme"],
            donnees=form.donnees(),
            auteur=request.user,
        ),
        creation=True,
        succes=_("L’action collective a été créée."),
        suite=lambda collective: reverse(
            "parcours:collective_detail", kwargs={"collective_pk": collective.pk}
        ),
        page=lambda: render(request, "parcours/actions/collective_creer.html", {"form": form}),
    )


def _collective(request, collective_pk):
    collective = collective_pour(request.user, collective_pk)
    if collective is None:
        raise Http404(_("Action collective introuvable."))
    return collective


@require_GET
def collective_detail(request, collective_pk):
    collective = _collective(request, collective_pk)
    participations = participants_visibles(request.user, [collective.pk])
    return render(
        request,
        "parcours/actions/collective_detail.html",
        {
            "collective": collective,
            "participants": participations.visibles.get(collective.pk, []),
            "autres": participations.autres.get(collective.pk, 0),
            "form": InscriptionCollectiveForm(
                parcours=parcours_inscriptibles(request.user, collective)
            ),
        },
    )


@require_POST
def collective_inscrire(request, collective_pk):
    collective = _collective(request, collective_pk)
    form = InscriptionCollectiveForm(
        request.POST, parcours=parcours_inscriptibles(request.user, collective)
    )
    if not form.is_valid():
        for erreurs in form.errors.values():
            for erreur in erreurs:
                messages.error(request, erreur)
        return redirect("parcours:collective_detail", collective_pk=collective.pk)
    # Through the one access path, so that the write is traced on the child's pathway.
    parcours = parcours_pour(
        user=request.user, pk=form.cleaned_data["parcours"].pk, capacite=Capacite.ECRITURE
    )
    try:
        action_collective_inscrire(collective=collective, parcours=parcours, auteur=request.user)
    except ValidationError as erreur:
        for message in erreur.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("L’enfant participe à l’action collective."))
    return redirect("parcours:collective_detail", collective_pk=collective.pk)
