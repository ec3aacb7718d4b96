"""Demo data of the referral flow: a few referrals in every status, sent by the demo partner
(so that their login shows « Mes orientations ») and by schools and the PMI.

Made through the services, in order (sent, studied, questioned, decided), so that every thread,
notification and opened pathway is what the application itself would have written. The demo
children are synthetic: names from a short fixed list, chosen by the seeded generator."""

from datetime import date, timedelta

from django.utils import timezone

from ..models import GenreEchange, NiveauScolaire, Orientation, Parcours, StatutOrientation
from ..services import DecisionOrientation, orientation_decider, orientation_deposer
from ..services.orientations import orientation_repondre

PRENOMS = ["Lina", "Noah", "Inès", "Adam", "Jade", "Ilyes", "Maëlys", "Sacha", "Aya", "Rayan"]
NOMS = ["Benali", "Morel", "Diallo", "Fontaine", "Nguyen", "Caron", "Traoré", "Perrin"]

# (structure key, statut visé, motifs)
SCENARIOS = [
    ("departement", StatutOrientation.RECUE, ["isolement_social", "parentalite"]),
    ("groupe_scolaire", StatutOrientation.RECUE, ["resultats_scolaires"]),
    ("pmi", StatutOrientation.EN_ETUDE, ["langage", "sante"]),
    ("departement", StatutOrientation.COMPLEMENT, ["comportement"]),
    ("elementaire", StatutOrientation.ACCEPTEE, ["resultats_scolaires", "absenteisme"]),
    ("departement", StatutOrientation.REORIENTEE, ["sante"]),
    ("college", StatutOrientation.REFUSEE, ["comportement", "absenteisme"]),
]


def _decider(orientation, decision: str, coordinateur, **kwargs) -> Orientation:
    return orientation_decider(
        orientation=orientation,
        decision=DecisionOrientation(decision=decision, **kwargs),
        version=Orientation.objects.values_list("version", flat=True).get(pk=orientation.pk),
        auteur=coordinateur,
    )


NIVEAUX = [n for n in NiveauScolaire.values if n not in ("non_scolarise", "lycee")]


def _niveau(naissance: date, aujourdhui: date) -> str:
    """The school level of the child's age, as the demo's children have it."""
    rentree = aujourdhui.year if aujourdhui.month >= 9 else aujourdhui.year - 1
    rang = rentree - naissance.year - 3
    return NIVEAUX[min(max(rang, 0), len(NIVEAUX) - 1)]


def generer_orientations(*, programme, auteurs: dict, coordinateur, rng, aujourdhui: date) -> int:
    """`auteurs`: structure key → the professional who refers from it."""
    for rang, (cle, statut, motifs) in enumerate(SCENARIOS):
        auteur = auteurs[cle]
        prenom, nom = rng.choice(PRENOMS), rng.choice(NOMS)
        age = rng.randint(4, 13)
        naissance = aujourdhui - timedelta(days=365 * age + 40 * rang)
        orientation = orientation_deposer(
            auteur=auteur,
            user=auteur.user,
            programme=programme,
            donnees={
                "nom": nom,
                "prenom": prenom,
                "date_naissance": naissance,
                "niveau_scolaire": _niveau(naissance, aujourdhui),
                "sexe": rng.choice(["F", "M"]),
                "commune": programme.communes[0] if programme.communes else "",
                "contact_nom": nom,
                "contact_prenom": rng.choice(["Samia", "Julien", "Fatou", "Claire"]),
                "contact_lien": "mere",
                "contact_telephone": f"06 39 98 {rang:02d} {rng.randint(10, 99)}",
                "motifs": motifs,
                "deja_tente": "Entretiens avec la famille, aide aux devoirs proposée.",
                "famille_informee": True,
                "famille_accepte_contact": True,
                "rappel_nom": auteur.user.get_full_name(),
                "rappel_email": auteur.user.email,
            },
        )
        if statut == StatutOrientation.RECUE:
            continue
        orientation = _decider(orientation, GenreEchange.ETUDE, coordinateur)
        if statut == StatutOrientation.COMPLEMENT:
            _decider(
                orientation,
                GenreEchange.QUESTION,
                coordinateur,
                message="La famille est-elle déjà suivie par un autre service ?",
            )
        elif statut == StatutOrientation.ACCEPTEE:
            _decider(
                orientation,
                GenreEchange.QUESTION,
                coordinateur,
                message="L’enfant bénéficie-t-il d’un PPRE ?",
            )
            orientation_repondre(
                orientation=orientation, auteur=auteur.user, texte="Oui, depuis la rentrée."
            )
            acceptee = _decider(orientation, GenreEchange.ACCEPTATION, coordinateur)
            # Its last write is its opening: the activity stamp follows the history's.
            Parcours.objects.filter(pk=acceptee.parcours_id).update(
                derniere_activite=timezone.now()
            )
        elif statut == StatutOrientation.REORIENTEE:
            _decider(
                orientation,
                GenreEchange.REORIENTATION,
                coordinateur,
                service="CMP infanto-juvénile du Val",
                message="Un suivi de soin répond mieux à la demande.",
            )
        elif statut == StatutOrientation.REFUSEE:
            _decider(
                orientation,
                GenreEchange.REFUS,
                coordinateur,
                message="L’enfant est déjà accompagné par le dispositif de réussite du collège.",
            )
    return len(SCENARIOS)
