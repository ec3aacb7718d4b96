"""The trigram search indexes (pg_trgm) in migrations, only where the extension is available.

pg_trgm ships with PostgreSQL's contrib (the Debian packages the tests install, production's
image), not with the embedded server of `make run` (the pgserver wheel): there the extension and
its indexes are left out, and the searches they serve read their table, which a demo's few
hundred rows allow. Everywhere else the operations are Django's own.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


def trigrammes_disponibles(schema_editor) -> bool:
    with schema_editor.connection.cursor() as curseur:
        curseur.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        return curseur.fetchone() is not None


class SiTrigrammes:
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if trigrammes_disponibles(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if trigrammes_disponibles(schema_editor):
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class ExtensionTrigrammes(SiTrigrammes, TrigramExtension):
    pass


class IndexTrigrammes(SiTrigrammes, migrations.AddIndex):
    pass
