"""School transitions (issue 21): the coordination's list of the children changing school level
next September, each child's checklist, and the hand-over sheet (a PDF)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from reussite.core.ecriture import ecrire, envoi_rejoue, version_soumise
from reussite.core.pdf import pdf_depuis_gabarit, reponse_pdf

from ..access import Capacite, parcours_pour
from ..forms import FiltreTransitionsForm, PassageForm
from ..models import ElementTransmis, NiveauScolaire, Parcours, TypeTransition
from ..selectors import (
    annee_rentree,
    contenu_fiche_de_liaison,
    parcours_detail_queryset,
    programmes_coordonnes,
    transition_du_parcours,
    transitions_a_venir,
    type_prevu,
)
from ..services import (
    CHAMPS_TRANSITION,
    transition_creer,
    transition_fiche_autorisee,
    transition_modifier,
)


@require_GET
def transitions_liste(request):
    """The pathways of the children changing school level next September, for the coordination
    of their programme (404 for anyone else), with each checklist's progress."""
    if not programmes_coordonnes(request.user).exists():
        raise Http404
    le = timezone.localdate()
    filtre = FiltreTransitionsForm(request.GET or None)
    type_choisi = filtre.cleaned_data["type"] if filtre.is_valid() else ""
    base = Parcours.objects.visibles_par(request.user).coordonnes_par(request.user)
    page = Paginator(transitions_a_venir(base, le=le, type=type_choisi), 25).get_page(
        request.GET.get("page")
    )
    contexte = {
        "filtre": filtre,
        "page": page,
        "rentree": annee_rentree(le),
        "libelles_types": dict(TypeTransition.choices),
        "parametres": _parametres(request),
    }
    return render(request, "parcours/transitions/liste.html", contexte)


def _parametres(request) -> str:
    parametres = request.GET.copy()
    parametres.pop("page", None)
    return parametres.urlencode()


def transition_vue(request, pk):
    """The child's checklist for the next rentrée: its team (référent, coordination) fills it
    on an open pathway. The first save creates it (one-time token), later ones carry the version
    they were read at."""
    parcours = parcours_pour(
        user=request.user,
        pk=pk,
        capacite=Capacite.EQUIPE_ECRITURE,
        queryset=parcours_detail_queryset(),
    )
    le = timezone.localdate()
    rentree = annee_rentree(le)
    transition = transition_du_parcours(parcours, le=le)
    if request.method == "POST" and (rejoue := envoi_rejoue(request)) is not None:
        # The creation form sent twice: the first one created the checklist, which the second
        # would otherwise find and treat as an edit without a version (a conflict).
        return rejoue
    if transition is None:
        initial = {"type": type_prevu(parcours, le=le)}
    else:
        initial = {champ: getattr(transition, champ) for champ in CHAMPS_TRANSITION}
    form = PassageForm(request.POST if request.method == "POST" else None, initial=initial)

    def enregistrer():
        donnees = {champ: form.cleaned_data[champ] for champ in CHAMPS_TRANSITION}
        if transition is None:
            return transition_creer(
                parcours=parcours, annee_rentree=rentree, auteur=request.user, donnees=donnees
            )
        return transition_modifier(
            transition=transition,
            version=version_soumise(request),
            auteur=request.user,
            donnees=donnees,
        )

    return ecrire(
        request,
        form,
        enregistrer,
        creation=transition is None,
        succes=_("La liste du passage à la rentrée est enregistrée."),
        suite=reverse("parcours:transition", args=[parcours.pk]),
        page=lambda: render(
            request,
            "parcours/transitions/transition.html",
            {
                "parcours": parcours,
                "transition": transition,
                "form": form,
                "rentree": rentree,
                "peut_editer_fiche": transition_fiche_autorisee(transition),
                "niveau_actuel": parcours.enfant.niveau_actuel(le),
                "niveau_a_verifier": parcours.enfant.niveau_a_verifier(le),
                "libelles_niveaux": dict(NiveauScolaire.choices),
            },
        ),
    )


@require_GET
def transition_fiche_pdf(request, pk):
    """The hand-over sheet: only what the family agreed to pass on, never a note, a rupture or
    child-protection data; refused until the family's agreement is recorded."""
    parcours = parcours_pour(
        user=request.user,
        pk=pk,
        capacite=Capacite.EQUIPE_ECRITURE,
        queryset=parcours_detail_queryset(),
    )
    transition = transition_du_parcours(parcours)
    if not transition_fiche_autorisee(transition):
        messages.error(
            request,
            _(
                "La fiche de liaison ne peut être éditée qu’une fois l’accord de la famille noté, "
                "avec ce qu’elle accepte de transmettre."
            ),
        )
        return redirect("parcours:transition", pk=parcours.pk)
    elements = set(transition.elements_transmis)
    contexte = {
        "parcours": parcours,
        "enfant": parcours.enfant,
        "transition": transition,
        "elements": elements,
        "libelles_elements": [
            libelle for valeur, libelle in ElementTransmis.choices if valeur in elements
        ],
        "edite_le": timezone.localdate(),
    }
    contexte.update(contenu_fiche_de_liaison(parcours, elements))
    contenu = pdf_depuis_gabarit("parcours/transitions/fiche_pdf.html", contexte, request=request)
    return reponse_pdf(contenu, _("fiche-de-liaison-%(numero)s") % {"numero": parcours.pk})
