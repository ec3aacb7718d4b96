"""Hooks the higher layer (`parcours`) fills, so that `partenaires` never imports it.

When a professional's membership changes, every access it gave must be recomputed at once.
"""

from collections.abc import Callable

_apres_changement_adhesion: list[Callable] = []


def enregistrer_apres_changement_adhesion(fonction: Callable) -> Callable:
    if fonction not in _apres_changement_adhesion:
        _apres_changement_adhesion.append(fonction)
    return fonction


def apres_changement_adhesion(*, professionnel) -> None:
    for fonction in _apres_changement_adhesion:
        fonction(professionnel=professionnel)
