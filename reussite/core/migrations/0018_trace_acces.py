import importlib

from django.db import migrations

# The access trail is renamed `trace` (model TraceAcces, table core_traceacces, database alias
# `trace`, module reussite/core/trace.py) so that "journal" means only a pathway's notes.
# PostgreSQL keeps a renamed table's rows, grants, indexes and trigger; what names the table is
# renamed here too: the indexes and constraints, the identity sequence, the append-only trigger
# and its function (whose message names the table), and the owner's SECURITY DEFINER purge,
# recreated because its body names the table. The application role's EXECUTE on the new purge
# is granted after `migrate` by reussite/core/privileges.py, as for the old one (a function that
# is dropped takes its grants with it).
AVANT = importlib.import_module("reussite.core.migrations.0011_journal_purge_proprietaire")
RETENTION_JOURS = AVANT.RETENTION_JOURS

IMMUABLE = """
CREATE OR REPLACE FUNCTION core_traceacces_immuable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_setting('reussite.purge_trace', true) = 'on'
       AND OLD.le < clock_timestamp() - make_interval(days => {jours}) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'core_traceacces is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

# search_path pinned (pg_temp last) and the table qualified: a caller's temporary table or
# function can never stand in for ours inside the owner's function.
PURGE = """
CREATE FUNCTION {schema}.core_traceacces_purger(avant timestamp with time zone)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    supprimees bigint;
BEGIN
    IF avant IS NULL OR avant > clock_timestamp() - make_interval(days => {jours}) THEN
        RAISE EXCEPTION 'the access trail keeps at least {jours} days of entries (cut-off %)', avant
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM set_config('reussite.purge_trace', 'on', true);
    DELETE FROM {schema}.core_traceacces WHERE le < avant;
    GET DIAGNOSTICS supprimees = ROW_COUNT;
    PERFORM set_config('reussite.purge_trace', 'off', true);
    RETURN supprimees;
END;
$$;
REVOKE ALL ON FUNCTION {schema}.core_traceacces_purger(timestamp with time zone) FROM PUBLIC;
"""

# The names PostgreSQL or Django derived from the table's name (primary key, the `le` and
# content-type indexes, the foreign key, the identity sequence).
NOMS = """
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT conname FROM pg_constraint
             WHERE conrelid = '{table}'::regclass AND conname LIKE '{avant}%'
               AND contype <> 'p' LOOP
        EXECUTE format('ALTER TABLE {table} RENAME CONSTRAINT %I TO %I',
                       r.conname, replace(r.conname, '{avant}', '{apres}'));
    END LOOP;
    FOR r IN SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
             WHERE i.indrelid = '{table}'::regclass AND c.relname LIKE '{avant}%' LOOP
        EXECUTE format('ALTER INDEX %I RENAME TO %I',
                       r.relname, replace(r.relname, '{avant}', '{apres}'));
    END LOOP;
    FOR r IN SELECT c.relname FROM pg_class c
             WHERE c.relkind = 'S' AND c.relname = '{avant}_id_seq' LOOP
        EXECUTE format('ALTER SEQUENCE %I RENAME TO %I', r.relname, '{apres}_id_seq');
    END LOOP;
END;
$$;
"""

ANCIENNE_TACHE = "reussite.core.tasks.journal_purger_nuit"


def _schema(schema_editor) -> str:
    with schema_editor.connection.cursor() as curseur:
        curseur.execute("SELECT quote_ident(current_schema())")
        return curseur.fetchone()[0]


def renommer(apps, schema_editor):
    schema = _schema(schema_editor)
    # params=None: the SQL holds literal % signs (RAISE, format), not placeholders.
    schema_editor.execute(
        NOMS.format(table="core_traceacces", avant="core_journalacces", apres="core_traceacces"),
        params=None,
    )
    schema_editor.execute(
        "ALTER TRIGGER core_journalacces_immuable ON core_traceacces "
        "RENAME TO core_traceacces_immuable"
    )
    schema_editor.execute(
        "ALTER FUNCTION core_journalacces_immuable() RENAME TO core_traceacces_immuable"
    )
    schema_editor.execute(IMMUABLE.format(jours=RETENTION_JOURS), params=None)
    schema_editor.execute(
        f"DROP FUNCTION IF EXISTS {schema}.core_journalacces_purger(timestamp with time zone)"
    )
    schema_editor.execute(PURGE.format(schema=schema, jours=RETENTION_JOURS), params=None)
    alias = schema_editor.connection.alias
    # The view permission follows its model (the content type is renamed by Django itself).
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.using(alias).filter(
        content_type__app_label="core", codename="view_journalacces"
    ).update(codename="view_traceacces")
    # The nightly purge's periodic task is renamed in the settings; the database scheduler
    # recreates it under its new name and would keep firing the old, unregistered one.
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.using(alias).filter(task=ANCIENNE_TACHE).delete()


def retablir(apps, schema_editor):
    schema = _schema(schema_editor)
    alias = schema_editor.connection.alias
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.using(alias).filter(
        content_type__app_label="core", codename="view_traceacces"
    ).update(codename="view_journalacces")
    schema_editor.execute(
        f"DROP FUNCTION IF EXISTS {schema}.core_traceacces_purger(timestamp with time zone)"
    )
    schema_editor.execute(
        AVANT.PURGE.format(schema=schema, jours=RETENTION_JOURS), params=None
    )
    schema_editor.execute(
        "ALTER FUNCTION core_traceacces_immuable() RENAME TO core_journalacces_immuable"
    )
    schema_editor.execute(AVANT.IMMUABLE.format(jours=RETENTION_JOURS), params=None)
    schema_editor.execute(
        "ALTER TRIGGER core_traceacces_immuable ON core_traceacces "
        "RENAME TO core_journalacces_immuable"
    )
    schema_editor.execute(
        NOMS.format(table="core_traceacces", avant="core_traceacces", apres="core_journalacces"),
        params=None,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("core", "0017_transitions_mois"),
    ]

    operations = [
        migrations.RenameModel(old_name="JournalAcces", new_name="TraceAcces"),
        migrations.RenameIndex(
            model_name="traceacces",
            new_name="core_tracea_content_097a2d_idx",
            old_name="core_journa_content_7e74dd_idx",
        ),
        migrations.RenameIndex(
            model_name="traceacces",
            new_name="core_tracea_user_id_4b2bf1_idx",
            old_name="core_journa_user_id_185ff1_idx",
        ),
        migrations.RenameIndex(
            model_name="traceacces",
            new_name="trace_programme_le",
            old_name="journal_programme_le",
        ),
        migrations.RunPython(renommer, retablir),
    ]
