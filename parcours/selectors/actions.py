"""Reads of the objectives and actions pages: a constant number of queries whatever the rows."""

from dataclasses import dataclass, field

from django.db.models import Count

from partenaires.filters import OffreFilter
from partenaires.models import Convention, Offre

from ..models import Action, ActionCollective, Parcours, Statut
from .base import programmes_coordonnes
from .mutualisation import offres_avec_utilisation

__all__ = [
    "ParticipationsCollectives",
    "actions_collectives_du_user",
    "catalogue_pour_parcours",
    "collective_pour",
    "conventions_du_programme",
    "objectifs_et_actions",
    "offre_pour_parcours",
    "offres_du_parcours",
    "parcours_inscriptibles",
    "participants_visibles",
]


def _actions_queryset():
    # Only what the page shows: each further join costs planning time on every pathway page.
    return Action.objects.select_related(
        "offre", "structure", "professionnel__user", "collective"
    ).order_by("date_debut", "pk")


@dataclass
class ParticipationsCollectives:
    """Per collective action: the other participants the user may see, and how many others."""

    visibles: dict[int, list[Parcours]] = field(default_factory=dict)
    autres: dict[int, int] = field(default_factory=dict)


def participants_visibles(user, collectives: list[int], *, sauf: int | None = None):
    """Participants of `collectives`: listed only when `user` may see their pathway, otherwise
    only counted. Two queries whatever the number of collectives and participants."""
    resultat = ParticipationsCollectives()
    if not collectives:
        return resultat
    participations = Action.objects.filter(collective_id__in=collectives)
    if sauf is not None:
        participations = participations.exclude(parcours_id=sauf)
    totaux = dict(
        participations.order_by()
        .values_list("collective_id")
        .annotate(n=Count("pk"))
        .values_list("collective_id", "n")
    )
    visibles = (
        participations.filter(parcours__in=Parcours.objects.visibles_par(user))
        .select_related("parcours__enfant")
        .order_by("parcours__enfant__nom", "parcours__enfant__prenom", "pk")
    )
    for participation in visibles:
        resultat.visibles.setdefault(participation.collective_id, []).append(participation.parcours)
    for collective_id, total in totaux.items():
        resultat.autres[collective_id] = total - len(resultat.visibles.get(collective_id, []))
    return resultat


def objectifs_et_actions(user, parcours: Parcours, droits, *, avec_paroles: bool = False) -> dict:
    """The pathway page's objectives with their actions, and the actions with no objective.

    Two queries (objectives, actions), plus two when the pathway takes part in collective
    actions: the page's cost does not grow with its rows. `avec_paroles`: each objective
    carries the family's words too, read in the objectives' query (issue 21)."""
    objectifs = parcours.objectifs.order_by("date_ouverture", "pk")
    if avec_paroles:
        from .dispositifs import objectifs_avec_paroles

        objectifs = objectifs_avec_paroles(objectifs)
    objectifs = list(objectifs)
    actions = list(_actions_queryset().filter(parcours=parcours))
    par_objectif: dict[int, list[Action]] = {}
    sans_objectif = []
    for action in actions:
        action.modifiable = droits.peut_modifier_action(action)
        if action.objectif_id is None:
            sans_objectif.append(action)
        else:
            par_objectif.setdefault(action.objectif_id, []).append(action)
    for objectif in objectifs:
        objectif.liste_actions = par_objectif.get(objectif.pk, [])
    collectives = sorted({a.collective_id for a in actions if a.collective_id})
    participations = participants_visibles(user, collectives, sauf=parcours.pk)
    for action in actions:
        if action.collective_id:
            action.autres_visibles = participations.visibles.get(action.collective_id, [])
            action.autres_caches = participations.autres.get(action.collective_id, 0)
    return {
        "objectifs": objectifs,
        "actions": actions,
        "actions_sans_objectif": sans_objectif,
        "nombre_actions": len(actions),
        "peut_ajouter_action": droits.modifier,
        # The family's words are written down by the référent or the coordination (issue 21).
        "peut_noter_parole": droits.equipe and droits.ouvert,
    }


def offres_du_parcours(parcours: Parcours):
    """Offers a pathway's action may use: published to its programme and available today."""
    return Offre.objects.publiees_pour([parcours.programme_id]).disponibles()


def catalogue_pour_parcours(parcours: Parcours, donnees) -> OffreFilter:
    """The picker: published, available offers, filtered (age pre-filled with the child's), each
    annotated with the places or hours used and left."""
    base = offres_avec_utilisation(
        offres_du_parcours(parcours).select_related("structure").order_by("domaine", "intitule"),
    )
    donnees = donnees.copy()
    if "age" not in donnees:
        donnees["age"] = parcours.enfant.age()
    filtre = OffreFilter(donnees, queryset=base)
    # Only available offers are listed here: that filter would be a choice without effect.
    filtre.filters.pop("disponible")
    return filtre


def offre_pour_parcours(parcours: Parcours, identifiant) -> Offre | None:
    """The offer `identifiant` if this pathway may use it (published to its programme), with its
    capacity figures; None for anything else (another programme's offer, garbage)."""
    try:
        identifiant = int(identifiant)
    except (TypeError, ValueError):
        return None
    return (
        offres_avec_utilisation(
            Offre.objects.publiees_pour([parcours.programme_id]).select_related("structure"),
        )
        .filter(pk=identifiant)
        .first()
    )


def conventions_du_programme(programme_id: int):
    return Convention.objects.filter(programme_id=programme_id).order_by("-date_debut", "pk")


def actions_collectives_du_user(user):
    """Collective actions of the programmes the user coordinates, with their participant count."""
    return (
        ActionCollective.objects.filter(programme__in=programmes_coordonnes(user))
        .select_related("programme", "structure", "offre", "professionnel__user")
        .annotate(nombre_participants=Count("participations"))
        .order_by("-date_debut", "pk")
    )


def collective_pour(user, pk) -> ActionCollective | None:
    return (
        ActionCollective.objects.filter(programme__in=programmes_coordonnes(user), pk=pk)
        .select_related("programme", "structure", "offre", "professionnel__user", "convention")
        .first()
    )


def parcours_inscriptibles(user, collective: ActionCollective):
    """Open pathways of the collective's programme the user may write on, not yet taking part."""
    return (
        Parcours.objects.modifiables_par(user)
        .filter(programme_id=collective.programme_id)
        .exclude(statut=Statut.SORTI)
        .exclude(actions__collective=collective)
        .select_related("enfant")
        .order_by("enfant__nom", "enfant__prenom", "pk")
    )
