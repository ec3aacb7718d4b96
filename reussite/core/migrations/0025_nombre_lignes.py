from django.db import migrations

# The admin lists' count (reussite.core.pagination.PaginationEstimee): the planner's estimate of
# a table's rows when it holds at least `seuil` by that estimate, an exact count otherwise. A
# function, so that the count of a small table runs only when taken and the plan of the caller's
# query names no scan of a large table it never reads (a CASE with a scalar subquery was planned
# with its sequential scan, never executed but listed by EXPLAIN). SECURITY INVOKER (the
# default): the count runs with the caller's rights.
FONCTION = """
CREATE FUNCTION core_nombre_lignes(tableau regclass, seuil bigint,
                                   OUT estime boolean, OUT nombre bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    SELECT c.reltuples >= seuil, c.reltuples::bigint INTO estime, nombre
    FROM pg_class c WHERE c.oid = tableau;
    IF NOT estime THEN
        EXECUTE format('SELECT count(*) FROM %s', tableau) INTO nombre;
    END IF;
END;
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0024_index_pages")]

    operations = [
        migrations.RunSQL(
            FONCTION,
            reverse_sql="DROP FUNCTION core_nombre_lignes(regclass, bigint);",
        )
    ]
