"""`migrate` runs as the owner role when DATABASE_OWNER_URL is set (reussite/core/privileges.py):
the application role may not create or alter tables. Its post_migrate handler then grants the
application role its rights."""

from django.core.management.commands.migrate import Command as MigrateCommand

from reussite.core.privileges import connexion_proprietaire


class Command(MigrateCommand):
    def handle(self, *args, **options):
        with connexion_proprietaire(options["database"]):
            return super().handle(*args, **options)
