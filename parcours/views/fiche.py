"""The pathway's page, split into sections with one URL each (issue 15, point 15).

The page was one 5,800 px scroll. Each section is now its own server-rendered page under the
same header, reached by DSFR tabs made of links: the back button, bookmarks and a page without
JavaScript all work, and each section reads only its own rows. `parcours:detail` stays the
pathway's address and shows the synthesis.

Every section is read through `parcours_pour` with `Capacite.LECTURE`, like the page it
replaces: what a reader may not see inside a section is left out by the `droits` flags.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from partenaires.models import Structure

from ..access import Capacite, parcours_pour
from ..forms import IntervenantForm
from ..models import STATUTS_ACTION_ACTIFS, Statut
from ..permissions import structures_couvertes
from ..selectors import (
    SECTION_HISTORIQUE,
    SECTION_JOURNAL,
    SECTION_OBJECTIFS,
    SECTION_PARTAGE,
    SECTION_SYNTHESE,
    HistoriqueModifications,
    avec_entree_validee,
    besoins_du_parcours,
    chronologie_du_parcours,
    consultations_du_parcours,
    dispositifs_du_parcours,
    fratrie_visible,
    objectifs_et_actions,
    parcours_section_queryset,
    protection_du_parcours,
)
from ..services import transitions_possibles

# The latest changes of the transition checklist shown on the Historique tab.
LIMITE_MODIFICATIONS_TRANSITION = 20


@dataclass(frozen=True)
class Onglet:
    section: str
    libelle: str | Promise
    url_name: str


ONGLETS = (
    Onglet(SECTION_SYNTHESE, _("Synthèse"), "parcours:detail"),
    Onglet(SECTION_OBJECTIFS, _("Objectifs et actions"), "parcours:objectifs"),
    Onglet(SECTION_JOURNAL, _("Journal"), "parcours:journal"),
    Onglet(SECTION_PARTAGE, _("Partage et consentement"), "parcours:partage"),
    Onglet(SECTION_HISTORIQUE, _("Historique"), "parcours:historique"),
)
GABARITS = {
    SECTION_SYNTHESE: "parcours/detail.html",
    SECTION_OBJECTIFS: "parcours/fiche_objectifs.html",
    SECTION_JOURNAL: "parcours/fiche_journal.html",
    SECTION_PARTAGE: "parcours/fiche_partage.html",
    SECTION_HISTORIQUE: "parcours/fiche_historique.html",
}


def url_section(parcours, section: str) -> str:
    """Where a write made from a section sends the user back."""
    onglet = next(o for o in ONGLETS if o.section == section)
    return reverse(onglet.url_name, args=[parcours.pk])


def _lire(request, pk, section: str):
    parcours = parcours_pour(
        user=request.user,
        pk=pk,
        capacite=Capacite.LECTURE,
        queryset=avec_entree_validee(parcours_section_queryset(section)),
    )
    droits = parcours.droits
    courant = next(o for o in ONGLETS if o.section == section)
    contexte = {
        "parcours": parcours,
        "enfant": parcours.enfant,
        "droits": droits,
        "peut_modifier": droits.modifier,
        "section": section,
        "section_libelle": courant.libelle,
        "onglets": [
            {
                "libelle": o.libelle,
                "url": reverse(o.url_name, args=[parcours.pk]),
                "courant": o.section == section,
            }
            for o in ONGLETS
        ],
    }
    return parcours, droits, contexte


def _consentement_valide(parcours):
    return next((c for c in parcours.consentements.all() if c.est_valide()), None)


@require_GET
def parcours_detail(request, pk):
    """Synthèse: who the child is, the family, the pathway's facts and what to do next."""
    parcours, droits, contexte = _lire(request, pk, SECTION_SYNTHESE)
    transitions = [Statut(s) for s in transitions_possibles(parcours)] if droits.modifier else []
    contexte |= {
        "consentement_valide": _consentement_valide(parcours),
        # Suspending is never the page's main button: a secondary action, confirmed on its page.
        "transitions": [s for s in transitions if s != Statut.SUSPENDU],
        "peut_suspendre": Statut.SUSPENDU in transitions,
        "attend_consentement": parcours.statut == Statut.EN_ATTENTE_CONSENTEMENT,
        "fratrie": fratrie_visible(request.user, parcours) if droits.equipe else [],
    }
    if droits.equipe:
        contexte["responsables"] = parcours.enfant.famille.responsables.all()
    # Issue 21: the child's other schemes, reserved measures to the team only (one query).
    contexte |= dispositifs_du_parcours(parcours, droits)
    return render(request, GABARITS[SECTION_SYNTHESE], contexte)


@require_GET
def parcours_objectifs(request, pk):
    """Objectifs et actions, the unmet needs, and the structures that deliver an action
    without seeing the child (the family's consent does not name them)."""
    parcours, droits, contexte = _lire(request, pk, SECTION_OBJECTIFS)
    plan = objectifs_et_actions(request.user, parcours, droits, avec_paroles=True)
    couvertes = structures_couvertes(parcours)
    hors_consentement = {}
    for action in plan["actions"]:
        action.hors_consentement = (
            action.structure_id is not None
            and action.statut in STATUTS_ACTION_ACTIFS
            and action.structure_id not in couvertes
        )
        if action.hors_consentement:
            hors_consentement[action.structure_id] = action.structure
    contexte |= plan
    contexte["structures_hors_consentement"] = sorted(
        hors_consentement.values(), key=lambda s: s.nom
    )
    contexte |= besoins_du_parcours(parcours)
    return render(request, GABARITS[SECTION_OBJECTIFS], contexte)


@require_GET
def parcours_journal(request, pk):
    """Journal: what is due, then what happened (notes, ruptures, documents...)."""
    parcours, droits, contexte = _lire(request, pk, SECTION_JOURNAL)
    plan = objectifs_et_actions(request.user, parcours, droits)
    contexte |= chronologie_du_parcours(
        request.user,
        parcours,
        droits,
        objectifs=plan["objectifs"],
        actions=plan["actions"],
        type=request.GET.get("type"),
    )
    return render(request, GABARITS[SECTION_JOURNAL], contexte)


@require_GET
def parcours_partage(request, pk):
    """Partage et consentement: the consents, who works on the pathway, and who does not see
    the child although their structure delivers one of its actions."""
    parcours, droits, contexte = _lire(request, pk, SECTION_PARTAGE)
    consentements = list(parcours.consentements.all())
    contexte |= {
        "consentement_valide": next((c for c in consentements if c.est_valide()), None),
        "intervenants": [i for i in parcours.intervenants.all() if i.actif],
    }
    if droits.equipe:
        contexte["consentements"] = consentements
        couvertes = structures_couvertes(parcours)
        contexte["structures_hors_consentement"] = list(
            Structure.objects.filter(
                Q(
                    actions__parcours=parcours,
                    actions__statut__in=STATUTS_ACTION_ACTIFS,
                )
            )
            .exclude(pk__in=couvertes)
            .distinct()
            .order_by("nom")
        )
    if droits.modifier:
        contexte["form_intervenant"] = IntervenantForm(parcours=parcours, prefix="intervenant")
    return render(request, GABARITS[SECTION_PARTAGE], contexte)


@require_GET
def parcours_historique(request, pk):
    """Historique: status changes, who consulted the file, the data-protection records."""
    parcours, droits, contexte = _lire(request, pk, SECTION_HISTORIQUE)
    contexte["historique"] = parcours.historique.all()
    contexte["modifications_transition"] = None
    if droits.equipe:
        # The transition checklist is the team's (référent and coordination): its changes show
        # here, newest first, two queries whatever their number.
        contexte["modifications_transition"] = HistoriqueModifications(
            parcours, modeles=("Transition",)
        )[:LIMITE_MODIFICATIONS_TRANSITION]
    if droits.coordinateur:
        contexte["consultations"] = consultations_du_parcours(parcours)
    contexte |= protection_du_parcours(droits)
    return render(request, GABARITS[SECTION_HISTORIQUE], contexte)
