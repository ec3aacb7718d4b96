"""The pathway's journal: notes and addenda, information préoccupante, ruptures, documents,
and the pathways at risk. Each view fetches its object through the access module
(`parcours_pour`, `note_pour`, `rupture_pour`, `document_pour`) with the capability it needs."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reussite.core.ecriture import ecrire, version_soumise
from reussite.core.fichiers import TYPES_ACCEPTES
from reussite.core.pagination import PaginationDifferee
from reussite.core.stockage import reponse_fichier

from ..access import Capacite, document_pour, note_pour, parcours_pour, rupture_pour
from ..filters import ParcoursARisqueFilter
from ..forms import (
    AddendumForm,
    DocumentForm,
    InformationPreoccupanteForm,
    NoteForm,
    ReponseRuptureForm,
    RuptureForm,
)
from ..selectors import avec_motifs, motifs_a_risque, parcours_parmi
from ..services import (
    addendum_ajouter,
    document_archiver,
    document_deposer,
    information_preoccupante_enregistrer,
    note_ajouter,
    note_est_modifiable,
    note_modifier,
    rupture_enregistrer,
    rupture_repondre,
)

__all__ = []


def _vers_chronologie(parcours) -> str:
    return reverse("parcours:journal", args=[parcours.pk])


def _page(request, parcours, form, titre, bouton, **extra):
    return lambda: render(
        request,
        "parcours/journal/formulaire.html",
        {"parcours": parcours, "form": form, "titre": titre, "bouton": bouton, **extra},
    )


# --- Notes --------------------------------------------------------------------------------------


def note_ajouter_vue(request, pk):
    """Everyone who may read an open pathway writes notes (DroitsParcours.ecrire_note)."""
    parcours = parcours_pour(user=request.user, pk=pk, capacite=Capacite.NOTE)
    form = NoteForm(request.POST if request.method == "POST" else None)
    return ecrire(
        request,
        form,
        lambda: note_ajouter(parcours=parcours, auteur=request.user, **form.cleaned_data),
        creation=True,
        succes=_("La note a été ajoutée au journal."),
        suite=_vers_chronologie(parcours),
        page=_page(request, parcours, form, _("Écrire une note"), _("Enregistrer la note")),
    )


def note_modifier_vue(request, pk, note_pk):
    """The author corrects their note within 24 hours; concurrent saves never overwrite."""
    note = note_pour(user=request.user, pk=pk, note_pk=note_pk, capacite=Capacite.CORRIGER_NOTE)
    parcours = note.parcours
    if not note_est_modifiable(note, user=request.user):
        messages.info(
            request,
            _("Cette note a plus de 24 heures : complétez-la par un addendum daté."),
        )
        return redirect("parcours:note_addendum", pk=parcours.pk, note_pk=note.pk)
    if request.method == "POST":
        form = NoteForm(request.POST)
    else:
        form = NoteForm(initial={"texte": note.texte, "visibilite": note.visibilite})
    return ecrire(
        request,
        form,
        lambda: note_modifier(
            note=note, auteur=request.user, version=version_soumise(request), **form.cleaned_data
        ),
        succes=_("La note a été modifiée."),
        suite=_vers_chronologie(parcours),
        page=_page(
            request,
            parcours,
            form,
            _("Modifier la note"),
            _("Enregistrer"),
            version_de=note,
            note=note,
        ),
    )


def note_addendum_vue(request, pk, note_pk):
    """A dated addendum, by the note's author or by the référent and the coordination."""
    note = note_pour(user=request.user, pk=pk, note_pk=note_pk, capacite=Capacite.COMPLETER_NOTE)
    parcours = note.parcours
    form = AddendumForm(request.POST if request.method == "POST" else None)
    return ecrire(
        request,
        form,
        lambda: addendum_ajouter(note=note, auteur=request.user, texte=form.cleaned_data["texte"]),
        creation=True,
        succes=_("L’addendum a été ajouté à la note."),
        suite=_vers_chronologie(parcours),
        page=_page(
            request, parcours, form, _("Ajouter un addendum"), _("Ajouter l’addendum"), note=note
        ),
    )


# --- Information préoccupante ---------------------------------------------------------------


def information_preoccupante_vue(request, pk):
    """Recorded and read by the référent and the coordination only (DOMAIN.md, rule 7)."""
    parcours = parcours_pour(
        user=request.user,
        pk=pk,
        capacite=Capacite.EQUIPE_ECRITURE if request.method == "POST" else Capacite.EQUIPE,
    )
    form = InformationPreoccupanteForm(request.POST if request.method == "POST" else None)
    return ecrire(
        request,
        form,
        lambda: information_preoccupante_enregistrer(
            parcours=parcours, auteur=request.user, **form.cleaned_data
        ),
        creation=True,
        succes=_("La transmission de l’information préoccupante est enregistrée."),
        suite=_vers_chronologie(parcours),
        page=lambda: render(
            request,
            "parcours/journal/information_preoccupante.html",
            {
                "parcours": parcours,
                "form": form,
                "transmissions": parcours.informations_preoccupantes.all(),
                "peut_enregistrer": parcours.est_ouvert,
            },
        ),
    )


# --- Ruptures -------------------------------------------------------------------------------


def rupture_ajouter_vue(request, pk):
    parcours = parcours_pour(user=request.user, pk=pk, capacite=Capacite.EQUIPE_ECRITURE)
    form = RuptureForm(request.POST if request.method == "POST" else None)
    return ecrire(
        request,
        form,
        lambda: rupture_enregistrer(parcours=parcours, auteur=request.user, **form.cleaned_data),
        creation=True,
        succes=_("La rupture a été enregistrée."),
        suite=_vers_chronologie(parcours),
        page=_page(request, parcours, form, _("Signaler une rupture"), _("Enregistrer la rupture")),
    )


def rupture_reponse_vue(request, pk, rupture_pk):
    rupture = rupture_pour(user=request.user, pk=pk, rupture_pk=rupture_pk)
    parcours = rupture.parcours
    if request.method == "POST":
        form = ReponseRuptureForm(request.POST)
    else:
        form = ReponseRuptureForm(
            initial={"reponse": rupture.reponse, "date_reponse": rupture.date_reponse}
        )
    return ecrire(
        request,
        form,
        lambda: rupture_repondre(
            rupture=rupture,
            auteur=request.user,
            version=version_soumise(request),
            **form.cleaned_data,
        ),
        succes=_("La réponse à la rupture est enregistrée."),
        suite=_vers_chronologie(parcours),
        page=_page(
            request,
            parcours,
            form,
            _("Réponse décidée à la rupture"),
            _("Enregistrer la réponse"),
            rupture=rupture,
            version_de=rupture,
        ),
    )


# --- Documents ------------------------------------------------------------------------------


def document_ajouter_vue(request, pk):
    parcours = parcours_pour(user=request.user, pk=pk, capacite=Capacite.EQUIPE_ECRITURE)
    form = DocumentForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    return ecrire(
        request,
        form,
        lambda: document_deposer(parcours=parcours, auteur=request.user, **form.cleaned_data),
        creation=True,
        succes=_("Le document a été joint au parcours."),
        suite=_vers_chronologie(parcours),
        page=_page(request, parcours, form, _("Joindre un document"), _("Joindre"), multipart=True),
    )


@require_GET
def document_fichier(request, pk, document_pk):
    """Serve a document as an attachment, to the référent and the coordination only."""
    document = document_pour(
        user=request.user,
        pk=pk,
        document_pk=document_pk,
        capacite=Capacite.EQUIPE,
    )
    parcours = document.parcours
    extension = TYPES_ACCEPTES.get(document.type_mime, "")
    return reponse_fichier(
        document.fichier,
        nom=f"document-{parcours.pk}-{document.pk}{extension}",
        type_mime=document.type_mime or "application/octet-stream",
    )


@require_POST
def document_archiver_vue(request, pk, document_pk):
    document = document_pour(
        user=request.user, pk=pk, document_pk=document_pk, capacite=Capacite.EQUIPE_ECRITURE
    )
    parcours = document.parcours
    try:
        document_archiver(document=document, auteur=request.user)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, _("Le document est archivé."))
    return redirect(_vers_chronologie(parcours))


# --- Pathways at risk -----------------------------------------------------------------------


@require_GET
def a_risque(request):
    """Open pathways the user coordinates or refers that need attention, and why: filtered,
    sorted and paginated; htmx asks for the results alone."""
    motifs = motifs_a_risque(request.user)
    filtre = ParcoursARisqueFilter(request.GET, queryset=parcours_parmi(motifs), motifs=motifs)
    # The page's ids first, then its 25 rows with their joins: joining the programme's 2,000
    # pathways at risk before sorting them cost 22 ms at national scale (issue 18).
    page = PaginationDifferee(filtre.qs, 25).get_page(request.GET.get("page"))
    page.object_list = avec_motifs(page.object_list, motifs)
    contexte = {"filtre": filtre, "page": page, "lignes": page.object_list}
    if request.htmx:
        return render(request, "parcours/journal/_a_risque_resultats.html", contexte)
    return render(request, "parcours/journal/a_risque.html", contexte)
