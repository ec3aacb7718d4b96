"""What the generation's steps share: the scale and seed, the deterministic pseudo-random
expression `h`, the statement runner and the deferred indexes of bulk loading."""

import contextlib
import random
import re
import time

from django.db import connection

from parcours.generation.parametres import (
    AUTRES_TABLES_REMPLIES,
    TAILLE_ECART,
    TAILLE_GRAND_PROGRAMME,
    TAILLE_MOYENNE,
)


class GenerateurBase:
    def __init__(self, *, echelle, graine, programmes=None, parcours=None, le, sortie=None):
        self.echelle = echelle
        self.graine = graine
        self.le = le
        self.sortie = sortie
        national = echelle == "national"
        self.nb_programmes = programmes or (500 if national else 1)
        self.parcours = parcours
        self.domaine = f"{echelle}.bench"

    def tailles(self) -> list[int]:
        """Pathways per programme. Programme 1 is the large programme (3,000 pathways) at both
        scales, so that the benchmark compares the same programme; the others vary around 296
        (from 76 to 516, deviations drawn in opposite pairs: 150,704 pathways over 500
        programmes). `--parcours N` gives every programme N pathways (the tests)."""
        if self.parcours:
            return [self.parcours] * self.nb_programmes
        tirage = random.Random(self.graine)  # noqa: S311 - synthetic data, not security
        ecarts = []
        while len(ecarts) < self.nb_programmes - 1:
            ecart = tirage.randint(0, TAILLE_ECART)
            ecarts += [ecart, -ecart]
        ecarts = ecarts[: self.nb_programmes - 1]
        if len(ecarts) % 2:
            ecarts[-1] = 0
        tirage.shuffle(ecarts)
        return [TAILLE_GRAND_PROGRAMME] + [TAILLE_MOYENNE + e for e in ecarts]

    # --- helpers -----------------------------------------------------------------------------

    def h(self, expr: str, sel: str, modulo: int) -> str:
        """A deterministic pseudo-random integer in [0, modulo) from an expression and a salt."""
        return f"((hashtext(({expr})::text || ':{sel}:{self.graine}') & 2147483647) % {modulo})"

    def _analyser(self) -> None:
        """Statistics on the rows just inserted (visible to this transaction): without them the
        planner takes the fresh tables for empty and chooses nested loops."""
        with connection.cursor() as c:
            c.execute("ANALYZE")

    @contextlib.contextmanager
    def _index_differes(self, tables):
        """Bulk loading as PostgreSQL's documentation advises (« Populating a Database »),
        for the tables the connected role owns (the command runs as the schema's owner; the
        tests, as the application role, change nothing):
        - the foreign keys of the tables filled here are dropped, then added back, each
          checked by one join instead of one locking look-up per inserted row (millions of
          them, deferred to the commit);
        - the secondary indexes of the largest tables (`tables`: the access trail's four,
          the notes', their history's, the actions') are dropped, then built in one sorted
          pass each. Unique indexes and those behind a constraint stay."""
        with connection.cursor() as c:
            c.execute(
                """
                SELECT t.relname, k.conname, pg_get_constraintdef(k.oid)
                FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid
                WHERE k.contype = 'f' AND pg_get_userbyid(t.relowner) = current_user
                    AND t.relnamespace = to_regnamespace(current_schema())
                    AND (t.relname LIKE 'parcours\\_%%' OR t.relname LIKE 'partenaires\\_%%'
                        OR t.relname = ANY(%s))
                ORDER BY 1, 2""",
                [list(AUTRES_TABLES_REMPLIES)],
            )
            cles = c.fetchall()
            c.execute(
                """
                SELECT t.relname, x.relname, pg_get_indexdef(i.indexrelid)
                FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
                JOIN pg_class x ON x.oid = i.indexrelid
                WHERE t.relname = ANY(%s) AND NOT i.indisprimary AND NOT i.indisunique
                    AND pg_get_userbyid(t.relowner) = current_user
                    AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.oid)
                ORDER BY 1, 2""",
                [list(tables)],
            )
            index = c.fetchall()
            for table, nom, _definition in cles:
                c.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{nom}"')
            for _table, nom, _definition in index:
                c.execute(f'DROP INDEX "{nom}"')
        yield
        debut = time.perf_counter()
        with connection.cursor() as c:
            # The foreign keys of the small tables left in place are checked at commit
            # (deferred): their pending checks would forbid an index build. Check them now.
            c.execute("SET CONSTRAINTS ALL IMMEDIATE")
            c.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for _table, _nom, definition in index:
                c.execute(definition)
            milieu = time.perf_counter()
            for table, nom, definition in cles:
                c.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{nom}" {definition}')
        if self.sortie and (index or cles):
            self.sortie.write(
                f"  {'index reconstruits':<28} {len(index):>9}        "
                f"{milieu - debut:6.1f} s\n"
                f"  {'clés étrangères vérifiées':<28} {len(cles):>9}        "
                f"{time.perf_counter() - milieu:6.1f} s"
            )

    def _sql(self, sql: str) -> str:
        return sql.format(**self.o, le=f"'{self.le.isoformat()}'::date")

    def _executer(self, titre: str, sql: str, params=None) -> None:
        debut = time.perf_counter()
        sql = self._sql(sql)
        if params is None:
            # pgtrigger.ignore() prefixes the statement and passes parameters: `%` is escaped.
            sql, params = sql.replace("%", "%%"), ()
        with connection.cursor() as c:
            c.execute(sql, params)
            n = c.rowcount
            # Statistics on the table just filled: the next statements join it, and a table
            # the planner believes empty gets nested loops over tens of thousands of rows.
            cible = re.search(r"INSERT INTO \"?(\w+)", sql)
            if cible:
                c.execute(f'ANALYZE "{cible.group(1)}"')
        if self.sortie:
            self.sortie.write(f"  {titre:<28} {n:>9} lignes  {time.perf_counter() - debut:6.1f} s")
