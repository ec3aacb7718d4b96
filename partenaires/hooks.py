"""Hooks the higher layer (`parcours`) fills, so that `partenaires` never imports it.

When a professional's membership changes, every access it gave must be recomputed at once.
Offers and conventions need figures computed from the actions that use them; `parcours`
provides those queries (ARCHITECTURE.md, "Layers and dependencies").
"""

from collections.abc import Callable

_apres_changement_adhesion: list[Callable] = []
_fournisseurs: dict[str, Callable] = {}


def enregistrer_apres_changement_adhesion(fonction: Callable) -> Callable:
    if fonction not in _apres_changement_adhesion:
        _apres_changement_adhesion.append(fonction)
    return fonction


def apres_changement_adhesion(*, professionnel) -> None:
    for fonction in _apres_changement_adhesion:
        fonction(professionnel=professionnel)


def fournir(nom: str, fonction: Callable) -> Callable:
    """Register the function that answers the question `nom` (one per name)."""
    _fournisseurs[nom] = fonction
    return fonction


def demander(nom: str, *args, **kwargs):
    """Ask the registered function; a missing provider is a wiring bug, not a silent zero."""
    try:
        fonction = _fournisseurs[nom]
    except KeyError:
        raise LookupError(f"No provider registered for {nom!r}") from None
    return fonction(*args, **kwargs)
