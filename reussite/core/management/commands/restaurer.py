"""`manage.py restaurer DOSSIER`: restore a backup of `sauvegarder` into DATABASE_URL's database
(empty, or created with --creer-base) and the configured storages, then check the counts and
checksums against its manifest. See reussite/core/sauvegarde.py and docs/exploitation.md."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reussite.core.sauvegarde import ErreurSauvegarde, restaurer


class Command(BaseCommand):
    help = "Restaure une sauvegarde et la vérifie contre son manifeste (docs/exploitation.md)."

    def add_arguments(self, parser):
        parser.add_argument("dossier", type=Path)
        parser.add_argument(
            "--creer-base",
            action="store_true",
            help="Créer la base de DATABASE_URL (rôle propriétaire) avant de restaurer.",
        )

    def handle(self, *args, dossier, creer_base, **options):
        try:
            rapport = restaurer(dossier=dossier, creer_base=creer_base)
        except ErreurSauvegarde as erreur:
            raise CommandError(str(erreur)) from erreur
        self.stdout.write(
            f"Restauré depuis {rapport.dossier} : {rapport.tables} tables, {rapport.lignes} "
            f"lignes, {rapport.objets} fichiers, conformes au manifeste, en {rapport.duree:.1f} s."
        )
