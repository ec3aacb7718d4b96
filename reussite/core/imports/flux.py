"""The life of an import, the same for every import of the site: a dry run, then everything
or nothing.

An import declares what is its own in one `FluxImport` (its model, its statuses, its columns,
its threshold, its apply service and its task); this module holds the rest once:

- `analyser`: read the file (`lecture`), store the dry run's plan on a new import row; nothing
  else is written, and the file itself is not kept (its SHA-256 is);
- `confirmer`: the preview's confirmation, on the version the preview was read at (the write
  pattern's conflict rule), once; above the threshold the rows are written by a background
  task whose progress the preview shows;
- `appliquer`: the skeleton of the apply service: the import's row locked, applied at most once
  (a task delivered twice, or a worker that died « en cours », is safe), the rows written in
  one transaction, and any `ErreurLigne` rolls the whole file back and marks the import failed.
"""

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..ecriture import verrouiller
from ..models import Programme, User
from .lecture import lignes_du_fichier
from .modeles import Colonne
from .valeurs import ErreurLigne

__all__ = ["FluxImport", "resultat_vide"]

# The preview's progress is noted every this many rows (a cache write, not a query).
PAS_DE_PROGRESSION = 50


def resultat_vide() -> dict[str, list[int]]:
    """What confirming did, by the file's line numbers."""
    return {"crees": [], "modifies": [], "inchanges": [], "rejetes": [], "perimes": []}


@dataclass
class FluxImport:
    """One import of the site. `modele` has the fields of an import row (programme, auteur,
    nom_fichier, empreinte, statut, lignes, resultat, termine_le, version); `statuts` has
    ANALYSE, EN_COURS, TERMINE and ECHEC."""

    modele: type[models.Model]
    statuts: type[models.TextChoices]
    colonnes: Sequence[Colonne]
    # The cache key's prefix of the progress of a background confirmation.
    cle_progression: str
    # Above this many rows, confirming runs in a background task with its progress shown.
    seuil_arriere_plan: int
    # The app's apply service, `(*, import_id) -> import`, and its Celery task (a callable
    # returning it: the task's module imports the services).
    service_appliquer: Callable[..., models.Model]
    tache: Callable[[], Any]
    # Keep the file's rows (text) next to the plan (the caseload keeps them).
    garder_les_donnees: bool = False

    # --- The dry run ---------------------------------------------------------------------

    def analyser(
        self,
        *,
        programme: Programme,
        auteur: User,
        fichier,
        planifier: Callable[[list[dict]], list[dict]],
        **champs,
    ) -> models.Model:
        """Read `fichier` and store its plan: `planifier` turns the file's rows (dicts keyed by
        column, the line number under `_ligne`) into one plan entry per row. A file that
        cannot be read raises a French `ValidationError` and stores nothing."""
        fichier.seek(0)
        empreinte = hashlib.sha256(fichier.read()).hexdigest()
        donnees = lignes_du_fichier(fichier, self.colonnes)
        if self.garder_les_donnees:
            champs["donnees"] = [dict(d) for d in donnees]
        return self.modele.objects.create(
            programme=programme,
            auteur=auteur,
            nom_fichier=(getattr(fichier, "name", "") or "")[:200],
            empreinte=empreinte,
            lignes=planifier(donnees),
            **champs,
        )

    # --- The confirmation ----------------------------------------------------------------

    def en_arriere_plan(self, imp) -> bool:
        return len(imp.lignes) > self.seuil_arriere_plan

    def confirmer(self, *, imp, version: int | None):
        """Confirm a dry run read at `version`: applied now, or handed to the task above the
        threshold (« en cours » until it is done). A stale version is a conflict; a second
        confirmation is refused."""
        with transaction.atomic():
            actuel = verrouiller(imp, version)
            if actuel.statut != self.statuts.ANALYSE:
                raise ValidationError(_("Cet import a déjà été confirmé."))
            if not self.en_arriere_plan(actuel):
                return self.service_appliquer(import_id=actuel.pk)
            tache = self.tache()
            actuel.statut = self.statuts.EN_COURS
            actuel.version += 1
            actuel.save(update_fields=["statut", "version"])
            transaction.on_commit(lambda: tache.delay(actuel.pk))
            return actuel

    def progression(self, imp) -> int | None:
        """How many rows a background confirmation has gone through, while it runs."""
        if imp.statut != self.statuts.EN_COURS:
            return None
        return cache.get(f"{self.cle_progression}-{imp.pk}")

    def noter_progression(self, imp, rang: int) -> None:
        cache.set(f"{self.cle_progression}-{imp.pk}", rang, 3600)

    def parcourir(self, imp, lignes: Iterable[dict]) -> Iterator[dict]:
        """The plan's entries, the progress noted every few rows on the way."""
        for rang, ligne in enumerate(lignes, start=1):
            if rang % PAS_DE_PROGRESSION == 0:
                self.noter_progression(imp, rang)
            yield ligne

    def appliquer(self, *, import_id: int, ecrire: Callable[[Any], dict]):
        """Apply a dry run: `ecrire(imp)` writes its rows and returns what it did (see
        `resultat_vide`), inside one transaction with the import's row locked. Only an import
        « analysé » or « en cours » is applied, so that running twice is harmless. An
        `ErreurLigne` rolls everything back and marks the import failed with its message."""
        try:
            with transaction.atomic():
                imp = (
                    self.modele.objects.select_for_update(of=("self",))
                    .select_related("programme", "auteur")
                    .get(pk=import_id)
                )
                if imp.statut not in (self.statuts.ANALYSE, self.statuts.EN_COURS):
                    return imp
                imp.resultat = ecrire(imp)
                imp.statut = self.statuts.TERMINE
                imp.termine_le = timezone.now()
                imp.version += 1
                imp.save(update_fields=["statut", "resultat", "termine_le", "version"])
                return imp
        except ErreurLigne as erreur:
            self.modele.objects.filter(pk=import_id).update(
                statut=self.statuts.ECHEC,
                resultat={"erreur": erreur.message},
                termine_le=timezone.now(),
            )
            return self.modele.objects.get(pk=import_id)
