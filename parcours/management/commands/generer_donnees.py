# ruff: noqa: S603, S607 - pg_dump and pg_restore from the PATH, arguments built here
"""Synthetic data set for benchmarks (issue 7): `city` or `national` scale, set-based SQL.

    manage.py generer_donnees --echelle city|national --graine N [--programmes K]
        [--parcours N] [--le AAAA-MM-JJ] [--dump] [--depuis-dump]

Every row is computed in PostgreSQL (`INSERT ... SELECT generate_series(...)`) from its index
and the seed through `hashtext`, so the same seed, scale and reference date give the same rows.
Ids are explicit (offset by the table's current maximum) so foreign keys are arithmetic.
Programme 1 is the same large programme at both scales (3,000 pathways, 1 coordinator, 9
référents, 30 partners sharing its pathways, and a wider network of 140 structures and 420
professionals): `city` is programme 1 alone. About 40 % of the offers are open data. Guardian rows are derived in SQL exactly as
`parcours.permissions.droits_attendus` does. Synthetic names only.

Bulk loading (issue 18, point 4): the command runs as the schema's owner; the history triggers
are ignored (`pgtrigger.ignore()`) and one « insert » event per tracked row is written after, in
one statement per event table; foreign keys are dropped and added back and the largest tables'
secondary indexes built after the inserts (`_index_differes`). The access trail gets a year of
entries (~2.9 M rows at national scale) that the DPO's console and anomaly views can query.
"""

import subprocess
import time
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connection

from parcours.generation.generateur import Generateur
from reussite.core.privileges import connexion_proprietaire


class Command(BaseCommand):
    help = "Génère un jeu de données synthétique (city ou national) pour les mesures."

    def add_arguments(self, parser):
        parser.add_argument("--echelle", choices=["city", "national"], default="city")
        parser.add_argument("--graine", type=int, default=1)
        parser.add_argument("--programmes", type=int, help="nombre de programmes (national)")
        parser.add_argument("--parcours", type=int, help="parcours du programme 1 (et des autres)")
        parser.add_argument("--le", type=date.fromisoformat, help="date de référence")
        parser.add_argument("--dump", action="store_true", help="écrit var/bench/<…>.dump")
        parser.add_argument(
            "--depuis-dump", action="store_true", help="restaure le dump au lieu de générer"
        )

    def handle(self, *args, echelle, graine, programmes, parcours, le, dump, depuis_dump, **o):
        chemin = (
            Path(settings.BASE_DIR)
            / "var"
            / "bench"
            / f"{echelle}-{programmes or 'x'}-{graine}.dump"
        )
        if depuis_dump:
            if not chemin.exists():
                raise CommandError(f"Pas de dump {chemin}")
            debut = time.perf_counter()
            subprocess.run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "-j",
                    "2",
                    "-d",
                    _dsn(),
                    str(chemin),
                ],
                check=True,
            )
            self.stdout.write(f"Restauré depuis {chemin} en {time.perf_counter() - debut:.1f} s")
            return
        debut = time.perf_counter()
        # As the schema's owner (DATABASE_OWNER_URL), like `migrate`: the application role may
        # only insert into the access trail and cannot ANALYZE the tables it fills, and the
        # planner needs their statistics between two steps.
        with connexion_proprietaire(DEFAULT_DB_ALIAS):
            Generateur(
                echelle=echelle,
                graine=graine,
                programmes=programmes,
                parcours=parcours,
                le=le or date.today(),
                sortie=self.stdout,
            ).generer()
        self.stdout.write(f"Terminé en {time.perf_counter() - debut:.1f} s")
        if dump:
            chemin.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(["pg_dump", "-Fc", "-f", str(chemin), _dsn()], check=True)
            self.stdout.write(f"Dump : {chemin}")


def _dsn() -> str:
    d = connection.settings_dict
    return f"postgresql://{d['USER']}@{d['HOST'] or 'localhost'}:{d['PORT'] or 5432}/{d['NAME']}"
