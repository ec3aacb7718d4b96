"""`manage.py sauvegarder`: one consistent backup (database dump, every stored file, manifest) in
a new folder of SAUVEGARDES_ROOT or --destination; --conserver N keeps the N newest. See
reussite/core/sauvegarde.py and docs/exploitation.md."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reussite.core.sauvegarde import ErreurSauvegarde, purger_anciennes, sauvegarder


class Command(BaseCommand):
    help = "Sauvegarde cohérente : pg_dump, fichiers stockés, manifeste (docs/exploitation.md)."

    def add_arguments(self, parser):
        parser.add_argument("--destination", type=Path, default=None)
        parser.add_argument(
            "--conserver",
            type=int,
            default=0,
            help="Ne garder que les N sauvegardes complètes les plus récentes (0 : toutes).",
        )

    def handle(self, *args, destination, conserver, **options):
        destination = destination or Path(settings.REUSSITE_SAUVEGARDES_ROOT)
        try:
            rapport = sauvegarder(destination=destination)
        except ErreurSauvegarde as erreur:
            raise CommandError(str(erreur)) from erreur
        for manquant in rapport.manquants:
            self.stderr.write(f"Fichier référencé mais absent du stockage : {manquant}")
        self.stdout.write(
            f"Sauvegarde {rapport.dossier} : {rapport.tables} tables, {rapport.lignes} lignes, "
            f"{rapport.objets} fichiers ({rapport.octets} octets) en {rapport.duree:.1f} s."
        )
        for ancienne in purger_anciennes(destination=destination, conserver=conserver):
            self.stdout.write(f"Supprimée (rétention) : {ancienne}")
        return str(rapport.dossier)
