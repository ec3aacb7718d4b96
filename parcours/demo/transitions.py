"""Demo data of the school transitions (issue 21): children of the demo changing school level
next September, with checklists in every state — not started, contact taken, the family's
agreement recorded (its sheet can be downloaded), the sheet handed over, complete — and one
correction by the coordination (a child who stays in CM2).

Made through the services, as the application itself would write them; the steps are dated in
the past (the meeting before the summer is planned in June)."""

from datetime import date, timedelta

from ..models import ElementTransmis, NiveauScolaire, Parcours, Statut, TypeTransition
from ..selectors.transitions import PASSAGES, annee_rentree
from ..services import transition_creer

# One state per child, in this order, repeated over the children in transition.
ETATS = ["rien", "contact", "accord", "remise", "complete", "aucune", "rien", "accord"]


def _donnees(etat: str, passage: str, aujourdhui: date, rentree: int, rng) -> dict:
    if etat == "aucune":
        return {"type": TypeTransition.AUCUNE}
    donnees = {
        "type": passage,
        "etablissement_accueil": rng.choice(
            ["Collège Louise-Michel", "École élémentaire des Tilleuls", "Lycée Jean-Jaurès"]
        ),
        "referent_accueil": rng.choice(["Mme Lefèvre, CPE", "M. Garnier, directeur"]),
        "contact_le": aujourdhui - timedelta(days=rng.randint(20, 40)),
    }
    if etat in ("accord", "remise", "complete"):
        donnees["elements_transmis"] = [ElementTransmis.SCOLARITE, ElementTransmis.OBJECTIFS]
        donnees["accord_famille_le"] = aujourdhui - timedelta(days=rng.randint(5, 15))
    if etat in ("remise", "complete"):
        donnees["fiche_remise_le"] = aujourdhui - timedelta(days=rng.randint(1, 4))
    if etat == "complete":
        donnees["reunion_le"] = min(date(rentree, 6, 15), aujourdhui + timedelta(days=300))
    return donnees


def generer_transitions(*, programme, coordinateur, rng, aujourdhui: date) -> int:
    """Checklists for the demo's children in grande section, CM2 and 3e; returns their number."""
    rentree = annee_rentree(aujourdhui)
    candidats = list(
        Parcours.objects.filter(
            programme=programme,
            statut=Statut.EN_COURS,
            enfant__niveau_scolaire__in=[n.value for n in PASSAGES],
        )
        .select_related("enfant")
        .order_by("pk")
    )
    crees = 0
    for rang, parcours in enumerate(candidats[: len(ETATS) * 2]):
        etat = ETATS[rang % len(ETATS)]
        if etat == "rien":
            continue
        passage = PASSAGES[NiveauScolaire(parcours.enfant.niveau_scolaire)]
        transition_creer(
            parcours=parcours,
            annee_rentree=rentree,
            auteur=coordinateur,
            donnees=_donnees(etat, passage, aujourdhui, rentree, rng),
        )
        crees += 1
    return crees
