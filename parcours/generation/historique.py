# ruff: noqa: S608 - SQL built from constants and integers
"""The history: the « insert » events the ignored triggers would have written."""

from parcours.generation.parametres import TABLES


class HistoriqueMixin:
    """Steps of `Generateur` (parcours/generation/generateur.py)."""

    def _historique(self) -> None:
        """One « insert » event per generated row of every tracked model, in one statement per
        event table: what the per-row trigger would have written, without a context."""
        from django.apps import apps
        from pghistory.models import Event

        for modele in apps.get_models():
            if not issubclass(modele, Event) or modele._meta.abstract:
                continue
            suivi = getattr(modele, "pgh_tracked_model", None)
            if suivi is None or suivi._meta.db_table not in TABLES.values():
                continue
            cle = next(k for k, t in TABLES.items() if t == suivi._meta.db_table)
            colonnes = [
                f.column for f in modele._meta.concrete_fields if not f.name.startswith("pgh_")
            ]
            liste = ", ".join(f'"{c}"' for c in colonnes)
            self._executer(
                f"historique {suivi._meta.model_name}",
                f"""
                INSERT INTO "{modele._meta.db_table}" ({liste}, pgh_created_at, pgh_label,
                    pgh_obj_id)
                SELECT {liste}, now(), 'insert', id FROM "{suivi._meta.db_table}"
                WHERE id > {{{cle}}}""",
            )
