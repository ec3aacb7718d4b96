"""Issue 21's pages: the child's other schemes (added, corrected, ended by the pathway's team),
the family's words on an objective, and the exit questionnaire. Each view fetches through the
access module with the capability it needs and writes through `ecrire`."""

from datetime import date

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from reussite.core.ecriture import ecrire, version_soumise

from ..access import Capacite, dispositif_pour, objectif_pour, parcours_pour
from ..forms import DispositifForm, ParoleForm, QuestionnaireSortieForm, TerminerDispositifForm
from ..models import QuestionnaireSortie
from ..services import (
    dispositif_ajouter,
    dispositif_modifier,
    dispositif_terminer,
    parole_ajouter,
    questionnaire_sortie_enregistrer,
)

__all__ = []


def _synthese(parcours) -> str:
    return reverse("parcours:detail", args=[parcours.pk]) + "#autres-dispositifs"


def _page(request, parcours, form, titre, bouton, **extra):
    return lambda: render(
        request,
        "parcours/dispositifs/formulaire.html",
        {"parcours": parcours, "form": form, "titre": titre, "bouton": bouton, **extra},
    )


# --- Other schemes --------------------------------------------------------------------------


def dispositif_ajouter_vue(request, pk):
    """The pathway's team records another scheme the child is in (reserved measures included:
    only the team writes here)."""
    parcours = parcours_pour(user=request.user, pk=pk, capacite=Capacite.EQUIPE_ECRITURE)
    form = DispositifForm(request.POST if request.method == "POST" else None)
    return ecrire(
        request,
        form,
        lambda: dispositif_ajouter(parcours=parcours, auteur=request.user, **form.cleaned_data),
        creation=True,
        succes=_("Le dispositif est enregistré."),
        suite=_synthese(parcours),
        page=_page(request, parcours, form, _("Ajouter un autre dispositif"), _("Enregistrer")),
    )


def dispositif_modifier_vue(request, pk, dispositif_pk):
    dispositif = dispositif_pour(user=request.user, pk=pk, dispositif_pk=dispositif_pk)
    parcours = dispositif.parcours
    if request.method == "POST":
        form = DispositifForm(request.POST)
    else:
        form = DispositifForm(
            initial={
                champ: getattr(dispositif, champ)
                for champ in (
                    "type",
                    "precision",
                    "date_debut",
                    "date_fin",
                    "accord_contact",
                    "contact",
                )
            }
        )
    return ecrire(
        request,
        form,
        lambda: dispositif_modifier(
            dispositif=dispositif,
            auteur=request.user,
            version=version_soumise(request),
            **form.cleaned_data,
        ),
        succes=_("Le dispositif est modifié."),
        suite=_synthese(parcours),
        page=_page(
            request,
            parcours,
            form,
            _("Modifier le dispositif"),
            _("Enregistrer"),
            version_de=dispositif,
        ),
    )


def dispositif_terminer_vue(request, pk, dispositif_pk):
    dispositif = dispositif_pour(user=request.user, pk=pk, dispositif_pk=dispositif_pk)
    parcours = dispositif.parcours
    if request.method == "POST":
        form = TerminerDispositifForm(request.POST)
    else:
        form = TerminerDispositifForm(initial={"date_fin": date.today()})
    return ecrire(
        request,
        form,
        lambda: dispositif_terminer(
            dispositif=dispositif,
            auteur=request.user,
            version=version_soumise(request),
            date_fin=form.cleaned_data["date_fin"],
        ),
        succes=_("Le dispositif est noté comme terminé."),
        suite=_synthese(parcours),
        page=_page(
            request,
            parcours,
            form,
            _("Terminer le dispositif"),
            _("Noter la fin"),
            version_de=dispositif,
            dispositif=dispositif,
        ),
    )


# --- The family's words on an objective -----------------------------------------------------


def parole_ajouter_vue(request, pk, objectif_pk):
    """The référent (or the coordination) writes down the family's words with them."""
    objectif = objectif_pour(
        user=request.user, pk=pk, objectif_pk=objectif_pk, capacite=Capacite.EQUIPE_ECRITURE
    )
    parcours = objectif.parcours
    form = ParoleForm(
        request.POST if request.method == "POST" else None,
        initial={"date": date.today()},
    )
    return ecrire(
        request,
        form,
        lambda: parole_ajouter(objectif=objectif, auteur=request.user, **form.cleaned_data),
        creation=True,
        succes=_("Les mots de la famille sont enregistrés."),
        suite=reverse("parcours:objectifs", args=[parcours.pk]) + f"#objectif-{objectif.pk}",
        page=_page(
            request,
            parcours,
            form,
            _("Noter la parole de la famille"),
            _("Enregistrer"),
            objectif=objectif,
        ),
    )


# --- The exit questionnaire -----------------------------------------------------------------


def questionnaire_sortie_vue(request, pk):
    """Filled by the team with the family at the exit, or just after it; once filled, the
    same address shows the answers."""
    parcours = parcours_pour(user=request.user, pk=pk, capacite=Capacite.QUESTIONNAIRE_SORTIE)
    questionnaire = QuestionnaireSortie.objects.filter(parcours=parcours).first()
    form = QuestionnaireSortieForm(
        request.POST if request.method == "POST" else None,
        initial={"date": date.today()},
    )
    return ecrire(
        request,
        form,
        lambda: questionnaire_sortie_enregistrer(
            parcours=parcours, auteur=request.user, **form.cleaned_data
        ),
        creation=True,
        succes=_("Le questionnaire de sortie est enregistré. Merci à la famille."),
        suite=reverse("parcours:questionnaire_sortie", args=[parcours.pk]),
        page=lambda: render(
            request,
            "parcours/dispositifs/questionnaire_sortie.html",
            {"parcours": parcours, "form": form, "questionnaire": questionnaire},
        ),
    )
