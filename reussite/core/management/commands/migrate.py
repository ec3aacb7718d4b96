"""`migrate` runs as the owner role when DATABASE_OWNER_URL is set (reussite/core/privileges.py):
the application role may not create or alter tables. `--database` still chooses another alias."""

from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import connections

from reussite.core.privileges import PROPRIETAIRE


class Command(MigrateCommand):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        if PROPRIETAIRE in connections.settings:
            parser.set_defaults(database=PROPRIETAIRE)
