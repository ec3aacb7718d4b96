"""School transitions (issue 21): the checklist that secures a child's change of school level.

`transition_creer` starts the checklist of the next rentrée (a creation form: one-time token),
`transition_modifier` saves it again (an edit form: the version it was read at). Both apply the
same rules and stamp each step whose date changed with its author, so that every step reads
« done on …, by … ». The hand-over sheet is produced only once the family's agreement is
recorded (`transition_fiche_autorisee`).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reussite.core.ecriture import verrouiller
from reussite.core.models import User

from ..models import ETAPES_TRANSITION, Parcours, Transition, TypeTransition
from .base import _bloquer, _noter_activite, _sauver, fin_annee_scolaire

__all__ = [
    "CHAMPS_TRANSITION",
    "transition_creer",
    "transition_fiche_autorisee",
    "transition_modifier",
]

# What a checklist form may set (the authors and the version are the service's).
CHAMPS_TRANSITION = (
    "type",
    "etablissement_accueil",
    "referent_accueil",
    "contact_le",
    "elements_transmis",
    "accord_famille_le",
    "fiche_remise_le",
    "reunion_le",
)


def _verifier(transition: Transition, *, le: date) -> None:
    """The rules of a checklist, with French messages on the fields they concern."""
    erreurs = {}
    for nom in ("contact", "accord_famille", "fiche_remise"):
        jour = getattr(transition, f"{nom}_le")
        if jour is not None and jour > le:
            erreurs[f"{nom}_le"] = _(
                "Cette étape ne peut pas être datée dans le futur : indiquez le jour où elle a eu lieu."
            )
    if transition.accord_famille_le and not transition.elements_transmis:
        erreurs["elements_transmis"] = _(
            "Indiquez ce que la famille accepte de transmettre avant de noter son accord."
        )
    if transition.fiche_remise_le:
        if not transition.accord_famille_le:
            erreurs["fiche_remise_le"] = _(
                "La fiche de liaison ne peut être remise qu’après l’accord de la famille."
            )
        elif transition.fiche_remise_le < transition.accord_famille_le:
            erreurs["fiche_remise_le"] = _(
                "La fiche de liaison a été remise avant l’accord de la famille : vérifiez les dates."
            )
    if transition.reunion_le is not None:
        ete = fin_annee_scolaire(date(transition.annee_rentree, 1, 1))
        if transition.reunion_le > ete:
            erreurs["reunion_le"] = _(
                "La rencontre doit avoir lieu avant l’été, au plus tard le %(date)s."
            ) % {"date": ete.strftime("%d/%m/%Y")}
    if erreurs:
        raise ValidationError(erreurs)


def _appliquer(transition: Transition, donnees: dict, *, auteur: User, avant: dict) -> None:
    for champ in CHAMPS_TRANSITION:
        if champ in donnees:
            setattr(transition, champ, donnees[champ])
    if transition.type == TypeTransition.AUCUNE:
        return
    for nom, _libelle in ETAPES_TRANSITION:
        if getattr(transition, f"{nom}_le") != avant.get(nom):
            # The step was dated, re-dated or cleared now: its author is who did it.
            setattr(transition, f"{nom}_par", auteur if getattr(transition, f"{nom}_le") else None)


@transaction.atomic
def transition_creer(
    *, parcours: Parcours, annee_rentree: int, auteur: User, donnees: dict
) -> Transition:
    """Start the pathway's checklist for the rentrée of September `annee_rentree`."""
    actuel = _bloquer(parcours)
    if not actuel.est_ouvert:
        raise ValidationError(_("Ce parcours est clos : il n’a plus de passage à préparer."))
    if Transition.objects.filter(parcours=actuel, annee_rentree=annee_rentree).exists():
        raise ValidationError(_("Ce parcours a déjà une liste de passage pour cette rentrée."))
    transition = Transition(parcours=actuel, annee_rentree=annee_rentree, cree_par=auteur)
    _appliquer(transition, donnees, auteur=auteur, avant={})
    _verifier(transition, le=timezone.localdate())
    _sauver(transition)
    _noter_activite(actuel)
    return transition


@transaction.atomic
def transition_modifier(
    *, transition: Transition, version: int | None, auteur: User, donnees: dict
) -> Transition:
    """Save the checklist read at `version` (a stale or missing one is a conflict)."""
    actuelle = verrouiller(transition, version)
    parcours = _bloquer(actuelle.parcours)
    if not parcours.est_ouvert:
        raise ValidationError(_("Ce parcours est clos : il n’a plus de passage à préparer."))
    avant = {nom: getattr(actuelle, f"{nom}_le") for nom, _l in ETAPES_TRANSITION}
    _appliquer(actuelle, donnees, auteur=auteur, avant=avant)
    _verifier(actuelle, le=timezone.localdate())
    actuelle.version += 1
    _sauver(actuelle)
    _noter_activite(parcours)
    return actuelle


def transition_fiche_autorisee(transition: Transition | None) -> bool:
    """The hand-over sheet exists only once the family has seen it and agreed to what it says."""
    return (
        transition is not None
        and transition.type != TypeTransition.AUCUNE
        and transition.accord_famille_le is not None
        and bool(transition.elements_transmis)
    )
