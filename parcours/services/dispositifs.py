"""Writes of issue 21: the child's other schemes, the family's words on an objective and the
exit questionnaire. Who may call them is decided by the access module (the views fetch through
`dispositif_pour`, `objectif_pour` and `parcours_pour`); the rules live here."""

import datetime as dt
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from reussite.core.ecriture import verrouiller
from reussite.core.models import User

from ..models import (
    AideSortie,
    Dispositif,
    Frein,
    Locuteur,
    MomentParole,
    MotifSortie,
    Objectif,
    Parcours,
    ParoleFamille,
    QuestionnaireSortie,
    Satisfaction,
    Statut,
    TypeDispositif,
)
from .base import _bloquer, _noter_activite, _sauver

__all__ = [
    "JOURS_QUESTIONNAIRE_APRES_SORTIE",
    "SORTIES_SANS_QUESTIONNAIRE",
    "dispositif_ajouter",
    "dispositif_modifier",
    "dispositif_terminer",
    "parole_ajouter",
    "questionnaire_sortie_enregistrer",
]

# Exits after which no questionnaire is asked: the family refused, was not heard from, or
# continues in another programme (which will ask at its own exit).
SORTIES_SANS_QUESTIONNAIRE = frozenset(
    {MotifSortie.REFUS_FAMILLE, MotifSortie.SANS_NOUVELLES, MotifSortie.TRANSFERT}
)

# The exit questionnaire is filled at the exit interview or just after the exit is recorded.
JOURS_QUESTIONNAIRE_APRES_SORTIE = 60


def _exiger_ouvert(parcours: Parcours) -> None:
    if not parcours.est_ouvert:
        raise ValidationError(_("Ce parcours est clos : il ne peut plus être complété."))


def _verifier_contact(*, accord_contact: bool, contact: str) -> str:
    contact = contact.strip()
    if contact and not accord_contact:
        raise ValidationError(
            {
                "contact": _(
                    "Notez un contact seulement si la famille accepte que le PRE prenne "
                    "contact avec ce dispositif."
                )
            }
        )
    return contact


def _verifier_dates(*, date_debut: date, date_fin: date | None, parcours: Parcours) -> None:
    if date_fin is not None and date_fin < date_debut:
        raise ValidationError({"date_fin": _("La date de fin précède la date de début.")})


@transaction.atomic
def dispositif_ajouter(
    *,
    parcours: Parcours,
    auteur: User,
    type: str,
    date_debut: date,
    date_fin: date | None = None,
    precision: str = "",
    accord_contact: bool = False,
    contact: str = "",
) -> Dispositif:
    """Record another scheme the child is in, with the family's agreement."""
    actuel = _bloquer(parcours)
    _exiger_ouvert(actuel)
    if type not in TypeDispositif.values:
        raise ValidationError({"type": _("Choisissez un dispositif de la liste.")})
    _verifier_dates(date_debut=date_debut, date_fin=date_fin, parcours=actuel)
    contact = _verifier_contact(accord_contact=accord_contact, contact=contact)
    dispositif = _sauver(
        Dispositif(
            parcours=actuel,
            type=type,
            precision=precision.strip(),
            date_debut=date_debut,
            date_fin=date_fin,
            accord_contact=accord_contact,
            contact=contact,
            cree_par=auteur,
        )
    )
    _noter_activite(actuel)
    return dispositif


@transaction.atomic
def dispositif_modifier(
    *,
    dispositif: Dispositif,
    auteur: User,
    version: int | None,
    type: str,
    date_debut: date,
    date_fin: date | None = None,
    precision: str = "",
    accord_contact: bool = False,
    contact: str = "",
) -> Dispositif:
    """Correct a scheme read at `version`: an older (or missing) version is a conflict. When
    the family withdraws its agreement to be put in contact, the contact is removed."""
    actuel = verrouiller(dispositif, version)
    parcours = _bloquer(actuel.parcours)
    _exiger_ouvert(parcours)
    if type not in TypeDispositif.values:
        raise ValidationError({"type": _("Choisissez un dispositif de la liste.")})
    _verifier_dates(date_debut=date_debut, date_fin=date_fin, parcours=parcours)
    actuel.type = type
    actuel.precision = precision.strip()
    actuel.date_debut = date_debut
    actuel.date_fin = date_fin
    actuel.accord_contact = accord_contact
    actuel.contact = _verifier_contact(accord_contact=accord_contact, contact=contact)
    actuel.version += 1
    _sauver(actuel)
    _noter_activite(parcours)
    return actuel


@transaction.atomic
def dispositif_terminer(
    *, dispositif: Dispositif, auteur: User, version: int | None, date_fin: date
) -> Dispositif:
    """The scheme ended on `date_fin` (the row stays: the pathway keeps what it was)."""
    actuel = verrouiller(dispositif, version)
    parcours = _bloquer(actuel.parcours)
    _exiger_ouvert(parcours)
    if actuel.date_fin is not None and actuel.date_fin < dt.date.today():
        raise ValidationError(_("Ce dispositif est déjà terminé."))
    _verifier_dates(date_debut=actuel.date_debut, date_fin=date_fin, parcours=parcours)
    actuel.date_fin = date_fin
    actuel.version += 1
    _sauver(actuel)
    _noter_activite(parcours)
    return actuel


@transaction.atomic
def parole_ajouter(
    *, objectif: Objectif, auteur: User, locuteur: str, moment: str, date: date, texte: str
) -> ParoleFamille:
    """The family's own words on an objective, as the référent wrote them down with them."""
    parcours = _bloquer(objectif.parcours)
    _exiger_ouvert(parcours)
    if locuteur not in Locuteur.values:
        raise ValidationError({"locuteur": _("Dites qui s’exprime.")})
    if moment not in MomentParole.values:
        raise ValidationError({"moment": _("Dites à quel moment ces mots ont été dits.")})
    if not texte.strip():
        raise ValidationError({"texte": _("Écrivez les mots de la famille.")})
    if date < objectif.parcours.date_entree:
        raise ValidationError(
            {"date": _("La date de l’échange précède l’entrée de l’enfant dans le parcours.")}
        )
    parole = _sauver(
        ParoleFamille(
            objectif=objectif,
            locuteur=locuteur,
            moment=moment,
            date=date,
            texte=texte.strip(),
            auteur=auteur,
        )
    )
    _noter_activite(parcours)
    return parole


@transaction.atomic
def questionnaire_sortie_enregistrer(
    *,
    parcours: Parcours,
    auteur: User,
    date: date,
    repondants: str,
    satisfaction: str,
    aides: list[str],
    freins: list[str],
    aide_commentaire: str = "",
    frein_commentaire: str = "",
) -> QuestionnaireSortie:
    """The family's answers at the exit: once per pathway, on a pathway exited at most
    `JOURS_QUESTIONNAIRE_APRES_SORTIE` days ago (or about to exit, at the exit interview)."""
    actuel = _bloquer(parcours)
    if QuestionnaireSortie.objects.filter(parcours=actuel).exists():
        raise ValidationError(_("Le questionnaire de sortie de ce parcours est déjà rempli."))
    if actuel.statut == Statut.SORTI and (
        (dt.date.today() - actuel.date_sortie).days > JOURS_QUESTIONNAIRE_APRES_SORTIE
    ):
        raise ValidationError(
            _(
                "Ce parcours est sorti depuis plus de %(jours)s jours : le questionnaire de "
                "sortie ne peut plus être rempli."
            )
            % {"jours": JOURS_QUESTIONNAIRE_APRES_SORTIE}
        )
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("Choisissez le niveau de satisfaction.")})
    if repondants not in Locuteur.values:
        raise ValidationError({"repondants": _("Dites qui répond.")})
    if set(aides) - set(AideSortie.values) or set(freins) - set(Frein.values):
        raise ValidationError(_("Choisissez les réponses dans les listes proposées."))
    if date < actuel.date_entree:
        raise ValidationError(
            {"date": _("La date du questionnaire précède l’entrée dans le parcours.")}
        )
    questionnaire = _sauver(
        QuestionnaireSortie(
            parcours=actuel,
            date=date,
            repondants=repondants,
            satisfaction=satisfaction,
            aides=list(dict.fromkeys(aides)),
            freins=list(dict.fromkeys(freins)),
            aide_commentaire=aide_commentaire.strip(),
            frein_commentaire=frein_commentaire.strip(),
            rempli_par=auteur,
        )
    )
    if actuel.est_ouvert:
        _noter_activite(actuel)
    return questionnaire
