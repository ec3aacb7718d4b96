"""`flush` runs as the owner role when DATABASE_OWNER_URL is set (reussite/core/privileges.py):
the application role may not truncate the access trail. The test suite's transactional tests
empty the database through this command, while the application's connections in other threads
(a live test server) keep the application role."""

from django.core.management.commands.flush import Command as FlushCommand

from reussite.core.privileges import connexion_proprietaire


class Command(FlushCommand):
    def handle(self, **options):
        with connexion_proprietaire(options["database"]):
            return super().handle(**options)
