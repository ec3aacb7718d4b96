"""Writes of the offres flow: unmet needs recorded from a pathway, closed by coordinators."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from partenaires.models import Offre

from ..models import BesoinNonCouvert, Parcours, StatutBesoin
from ..text import normaliser
from .base import _noter_activite

__all__ = ["besoin_clore", "besoin_enregistrer"]


def _mots(texte: str) -> set[str]:
    return set("".join(c if c.isalnum() else " " for c in normaliser(texte)).split())


def _nomme_l_enfant(description: str, parcours: Parcours) -> bool:
    """True when the text contains the child's first or last name (as a whole word)."""
    noms = _mots(f"{parcours.enfant.prenom} {parcours.enfant.nom}")
    return bool({mot for mot in noms if len(mot) >= 2} & _mots(description))


@transaction.atomic
def besoin_enregistrer(
    *,
    parcours: Parcours,
    domaine: str,
    tranche_age: str,
    territoire: str,
    description: str,
    auteur,
) -> BesoinNonCouvert:
    if _nomme_l_enfant(description, parcours):
        raise ValidationError(
            {
                "description": _(
                    "La description ne doit pas contenir le nom ni le prénom de l’enfant : "
                    "décrivez le besoin sans l’identifier."
                )
            }
        )
    besoin = BesoinNonCouvert(
        programme_id=parcours.programme_id,
        parcours=parcours,
        domaine=domaine,
        tranche_age=tranche_age,
        territoire=territoire,
        description=description,
        cree_par=auteur,
    )
    besoin.full_clean()
    besoin.save()
    _noter_activite(parcours)
    return besoin


@transaction.atomic
def besoin_clore(
    *, besoin: BesoinNonCouvert, statut: str, offre: Offre | None, auteur
) -> BesoinNonCouvert:
    if besoin.statut != StatutBesoin.OUVERT:
        raise ValidationError(_("Ce besoin est déjà clos."))
    if statut == StatutBesoin.COUVERT and offre is None:
        raise ValidationError({"offre": _("Indiquez l’offre qui répond désormais à ce besoin.")})
    if statut not in (StatutBesoin.COUVERT, StatutBesoin.CLOS):
        raise ValidationError({"statut": _("Choisissez « couvert » ou « abandonné ».")})
    besoin.statut = statut
    besoin.offre = offre if statut == StatutBesoin.COUVERT else None
    besoin.date_cloture = date.today()
    besoin.full_clean(exclude=["cree_par", "parcours"])
    besoin.save(update_fields=["statut", "offre", "date_cloture"])
    return besoin
