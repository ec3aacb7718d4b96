"""Plausible ranges for every date a user types, in one table (documented in docs/saisie.md).

A date outside its range is a typing error (01/01/1900, 2062 for 2026): refused with a French
message naming the range. Bounds are either fixed dates or relative to the day of the check, so
the same rule holds next year. The model fields carry `PlageDates(<key>)` as a validator (form
errors through the model forms, and through the services' `full_clean()`); plain form fields
carry the same validator.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Borne:
    """A fixed date, or today moved by a number of years (0: today)."""

    fixe: date | None = None
    ans: int = 0

    def le(self, aujourdhui: date) -> date:
        if self.fixe is not None:
            return self.fixe
        annee = aujourdhui.year + self.ans
        # 29 February moved to a year that has none.
        jour = min(aujourdhui.day, 28) if aujourdhui.month == 2 else aujourdhui.day
        return aujourdhui.replace(year=annee, day=jour)


AUJOURDHUI = Borne()


def depuis(annee: int) -> Borne:
    return Borne(fixe=date(annee, 1, 1))


def jusqu_a(annee: int) -> Borne:
    return Borne(fixe=date(annee, 12, 31))


def dans(ans: int) -> Borne:
    return Borne(ans=ans)


@dataclass(frozen=True)
class Plage:
    libelle: str
    debut: Borne
    fin: Borne
    pourquoi: str  # for the documentation


# The one table. Keep docs/saisie.md in step (tests/core/test_saisie_dates.py checks it lists every key).
PLAGES: dict[str, Plage] = {
    "naissance": Plage(
        _("La date de naissance"),
        dans(-26),
        AUJOURDHUI,
        "un enfant de 0 à 18 ans à l’entrée ; son dossier vit encore quelques années après la "
        "sortie (durée de conservation)",
    ),
    "entree": Plage(
        _("La date d’entrée"),
        depuis(2005),
        dans(1),
        "les PRE existent depuis 2005 ; un an d’avance",
    ),
    "sortie": Plage(_("La date de sortie"), depuis(2005), dans(1), "comme l’entrée"),
    "revue": Plage(
        _("La date de revue"),
        depuis(2005),
        dans(2),
        "une revue en EPS se prévoit au plus deux ans à l’avance (une revue passée reste "
        "enregistrée : elle est en retard)",
    ),
    "consentement_signature": Plage(
        _("La date de signature"), depuis(2005), AUJOURDHUI, "jamais dans le futur"
    ),
    "consentement_expiration": Plage(
        _("La date d’expiration"), depuis(2005), dans(5), "au plus cinq ans après aujourd’hui"
    ),
    "consentement_retrait": Plage(
        _("La date de retrait"), depuis(2005), AUJOURDHUI, "jamais dans le futur"
    ),
    "suivi": Plage(
        _("La date"),
        depuis(2005),
        AUJOURDHUI,
        "ce qui s’est passé (rupture, transmission à la CRIP, réponse) : jamais dans le futur",
    ),
    "rencontre": Plage(
        _("La date de la rencontre"),
        depuis(2005),
        dans(1),
        "une rencontre avant la rentrée (passage d’école) se prévoit au plus un an à l’avance",
    ),
    "action": Plage(
        _("La date de l’action"),
        depuis(2005),
        dans(2),
        "une action se prévoit au plus deux ans à l’avance",
    ),
    "convention": Plage(
        _("La date"),
        depuis(2000),
        jusqu_a(2100),
        "conventions, signatures et disponibilités des offres",
    ),
    "periode": Plage(
        _("La date"), depuis(2005), dans(1), "période des statistiques et des exports"
    ),
}


def plage(cle: str, aujourdhui: date | None = None) -> tuple[date, date]:
    p = PLAGES[cle]
    aujourdhui = aujourdhui or date.today()
    return p.debut.le(aujourdhui), p.fin.le(aujourdhui)


@deconstructible
class PlageDates:
    """Validator: the date lies in PLAGES[cle]."""

    def __init__(self, cle: str):
        if cle not in PLAGES:
            raise KeyError(cle)
        self.cle = cle

    def __call__(self, valeur) -> None:
        if valeur is None:
            return
        if hasattr(valeur, "date") and callable(valeur.date):
            valeur = valeur.date()
        debut, fin = plage(self.cle)
        if not debut <= valeur <= fin:
            raise ValidationError(
                _("%(libelle)s doit être comprise entre le %(debut)s et le %(fin)s."),
                code="plage",
                params={
                    "libelle": PLAGES[self.cle].libelle,
                    "debut": date_format(debut, "SHORT_DATE_FORMAT"),
                    "fin": date_format(fin, "SHORT_DATE_FORMAT"),
                },
            )

    def __eq__(self, other):
        return isinstance(other, PlageDates) and other.cle == self.cle

    def __hash__(self):
        return hash(self.cle)
