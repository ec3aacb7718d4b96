from django.db import migrations

# The application may only insert into the access trail. UPDATE and DELETE are refused by the
# database itself, except inside a transaction that first runs
# `SET LOCAL reussite.purge_journal = 'on'`: that is what `journal_purger`, the retention purge,
# does and nothing else. (TRUNCATE stays possible for the test suite's flush and for operators.)
SQL = """
CREATE FUNCTION core_journalacces_immuable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('reussite.purge_journal', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'core_journalacces is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER core_journalacces_immuable
    BEFORE UPDATE OR DELETE ON core_journalacces
    FOR EACH ROW EXECUTE FUNCTION core_journalacces_immuable();
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS core_journalacces_immuable ON core_journalacces;
DROP FUNCTION IF EXISTS core_journalacces_immuable();
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0003_journal_charte")]

    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
