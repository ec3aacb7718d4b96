from django.db import migrations

# The retention purge of the access trail becomes a function of the owner role (SECURITY
# DEFINER): the application role, which may only insert into the trail (reussite/core/
# privileges.py), deletes old entries through it and nothing else. The function checks the cut-off
# itself, so that no caller can delete entries younger than the minimal retention (the CNIL's 6
# months: 183 days, as RETENTION_MINIMALE_JOURNAL), and the trigger refuses such a deletion even
# to the owner with the purge switch on. The clock is the statement's (clock_timestamp), not the
# start of the caller's transaction (now()), which may be much earlier.
RETENTION_JOURS = 183

IMMUABLE = """
CREATE OR REPLACE FUNCTION core_journalacces_immuable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_setting('reussite.purge_journal', true) = 'on'
       AND OLD.le < clock_timestamp() - make_interval(days => {jours}) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'core_journalacces is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

IMMUABLE_AVANT = """
CREATE OR REPLACE FUNCTION core_journalacces_immuable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('reussite.purge_journal', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'core_journalacces is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

# search_path pinned (pg_temp last) and the table qualified: a caller's temporary table or
# function can never stand in for ours inside the owner's function.
PURGE = """
CREATE FUNCTION {schema}.core_journalacces_purger(avant timestamp with time zone)
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
    PERFORM set_config('reussite.purge_journal', 'on', true);
    DELETE FROM {schema}.core_journalacces WHERE le < avant;
    GET DIAGNOSTICS supprimees = ROW_COUNT;
    PERFORM set_config('reussite.purge_journal', 'off', true);
    RETURN supprimees;
END;
$$;
REVOKE ALL ON FUNCTION {schema}.core_journalacces_purger(timestamp with time zone) FROM PUBLIC;
"""


def _schema(schema_editor) -> str:
    with schema_editor.connection.cursor() as curseur:
        curseur.execute("SELECT quote_ident(current_schema())")
        return curseur.fetchone()[0]


def installer(apps, schema_editor):
    # params=None: the SQL holds literal % signs (RAISE formats), not placeholders.
    schema_editor.execute(IMMUABLE.format(jours=RETENTION_JOURS), params=None)
    schema_editor.execute(
        PURGE.format(schema=_schema(schema_editor), jours=RETENTION_JOURS), params=None
    )


def retirer(apps, schema_editor):
    schema = _schema(schema_editor)
    schema_editor.execute(
        f"DROP FUNCTION IF EXISTS {schema}.core_journalacces_purger(timestamp with time zone)"
    )
    schema_editor.execute(IMMUABLE_AVANT, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0010_rappel_reservation")]

    operations = [migrations.RunPython(installer, retirer)]
