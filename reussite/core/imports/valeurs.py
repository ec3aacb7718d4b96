"""Checking one row of an import file, cell by cell, with French errors that name the column.

Every import's dry run reads its rows with these helpers, so that a value is refused the same
way in every import (the same message for a value outside its list, the same « ligne n : … »
when confirming finds a row the database refuses).
"""

from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..texte import normaliser

__all__ = ["ErreurLigne", "erreur_de_ligne", "lire_choix", "verifier"]

# (column key, French message): how a row's errors are kept in the plan and shown.
Erreurs = list[tuple[str, str]]


class ErreurLigne(Exception):
    """A cell refused (`colonne`, the column's key) or, with an empty `colonne`, a whole row
    refused while confirming: the import then fails and writes nothing."""

    def __init__(self, colonne: str, message: str):
        super().__init__(message)
        self.colonne, self.message = colonne, str(message)


def erreur_de_ligne(numero: int, erreur: ValidationError | str) -> ErreurLigne:
    """The error that fails a whole import at confirmation, naming the file's line."""
    texte = " ".join(erreur.messages) if isinstance(erreur, ValidationError) else erreur
    return ErreurLigne("", _("ligne %(n)s : %(e)s") % {"n": numero, "e": texte})


def lire_choix(valeur: str, choix: Sequence[tuple[Any, Any]], colonne: str) -> str:
    """The code of a choice given by its code or its label, accents and case ignored."""
    cle = normaliser(valeur)
    for code, libelle in choix:
        if cle in (normaliser(str(code)), normaliser(str(libelle))):
            return code
    raise ErreurLigne(
        colonne,
        _("« %(v)s » n’est pas une valeur possible (%(possibles)s).")
        % {"v": valeur, "possibles": ", ".join(str(libelle) for _c, libelle in choix)},
    )


def verifier(erreurs: Erreurs, lire: Callable[[], Any], defaut: Any = None) -> Any:
    """`lire()`'s value, or `defaut` with its error added to the row's `erreurs`: every cell
    of a row is checked, so that the preview shows all its errors at once."""
    try:
        return lire()
    except ErreurLigne as e:
        erreurs.append((e.colonne, e.message))
        return defaut
