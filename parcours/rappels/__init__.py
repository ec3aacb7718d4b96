"""The reminder kinds about pathways (DOMAIN.md, rule 6), registered with the core's scan.

Each kind selects its candidates with joins over the whole programme set at once (one query
per kind, whatever the number of pathways), and says which pending reminders still have a
reason, so that reminders stop when it ends (consent withdrawn, pathway exited, new activity).
One module per concern declares its kinds; `base` holds what they share.
"""

from reussite.core.rappels import enregistrer

from . import (
    actions,
    besoins,
    consentements,
    droits,
    eps,
    orientations,
    sollicitations,
    suivi,
    transferts,
    transitions,
)


def enregistrer_les_genres() -> None:
    # In this order: the preferences page lists the kinds, and the scan runs them, in the order
    # of registration.
    for genre in (
        transitions.TRANSITION_INCOMPLETE,
        transferts.TRANSFERT_PROPOSE,
        transferts.TRANSFERT_DECIDE,
        orientations.ORIENTATION_SUIVI,
        orientations.ORIENTATION_A_TRAITER,
        orientations.ORIENTATION_EN_ATTENTE,
        suivi.REVUE_PROCHE,
        suivi.REVUE_DEPASSEE,
        consentements.CONSENTEMENT_BIENTOT,
        consentements.CONSENTEMENT_EXPIRE,
        actions.ACTION_EN_RETARD,
        besoins.BESOIN_EN_ATTENTE,
        suivi.AFFECTATION,
        eps.EPS_INVITATION,
        eps.EPS_VEILLE,
        suivi.PARCOURS_INACTIF,
        droits.INFORMATION_TRANSFERT,
        droits.DEMANDE_ECHEANCE,
        sollicitations.SOLLICITATION_RECUE,
        sollicitations.SOLLICITATION_ECHEANCE,
        sollicitations.SOLLICITATION_ECHUE,
        sollicitations.SOLLICITATION_REPONDUE,
    ):
        enregistrer(genre)
