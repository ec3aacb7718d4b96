"""Helpers for objectives, actions, offers and collective actions, through the services."""

from datetime import date, timedelta
from decimal import Decimal

from parcours.models import Action, ActionCollective, Objectif, Parcours, StatutAction
from parcours.services import (
    action_collective_creer,
    action_collective_inscrire,
    action_creer,
    objectif_creer,
)
from partenaires.models import Domaine, Offre, Structure, TypeService
from reussite.core.models import Programme, User


def offre(structure: Structure, *programmes: Programme, **kwargs) -> Offre:
    """An active offer of `structure` published to `programmes` (offers are network rows)."""
    valeurs = {
        "intitule": "Aide aux devoirs",
        "type_service": TypeService.SOUTIEN_SCOLAIRE,
        "domaine": Domaine.SCOLARITE,
        "age_min": 2,
        "age_max": 16,
        "cout": Decimal("120.00"),
    } | kwargs
    nouvelle = Offre.objects.create(structure=structure, **valeurs)
    nouvelle.programmes.set(programmes)
    return nouvelle


def objectif(parcours: Parcours, *, auteur: User, **donnees) -> Objectif:
    valeurs = {"domaine": Domaine.SCOLARITE, "intitule": "Reprendre confiance en lecture"}
    return objectif_creer(parcours=parcours, donnees=valeurs | donnees, auteur=auteur)


def action(
    parcours: Parcours,
    *,
    auteur: User,
    confirmer: bool = False,
    hors_consentement: bool = False,
    **donnees,
) -> Action:
    """`confirmer`: past a full offer's warning; `hors_consentement`: past the warning that the
    family's consent does not name the delivering structure (issue 15, point 17)."""
    valeurs = {
        "intitule": "Atelier lecture",
        "date_debut": date.today() - timedelta(days=3),
        "statut": StatutAction.PREVUE,
    }
    return action_creer(
        parcours=parcours,
        donnees=valeurs | donnees,
        auteur=auteur,
        capacite_confirmee=confirmer,
        hors_consentement_confirme=hors_consentement,
    )


def collective(programme: Programme, structure: Structure, *, auteur: User, **donnees):
    valeurs = {
        "intitule": "Sortie au musée",
        "structure": structure,
        "date_debut": date.today() + timedelta(days=7),
    }
    return action_collective_creer(programme=programme, donnees=valeurs | donnees, auteur=auteur)


def inscrire(collective: ActionCollective, parcours: Parcours, *, auteur: User) -> Action:
    return action_collective_inscrire(collective=collective, parcours=parcours, auteur=auteur)
