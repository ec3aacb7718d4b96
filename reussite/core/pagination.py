from django.core.paginator import EmptyPage, Paginator
from django.db import connections
from django.utils.functional import cached_property


class PaginationDifferee(Paginator):
    """Pages the ids first, then joins what a row shows for that page only.

    `queryset[25:50]` with a dozen `select_related` makes PostgreSQL join every matching row
    before sorting them (thousands for a large programme, issue 18). Here the page's ids are
    sorted and limited on the base table alone, and the row query, with its joins, reads those
    25 rows: still one query per page, plus the count.

    `lignes`: what the row query adds to each row shown (annotations), applied to those rows
    only; the ids query does not compute it."""

    def __init__(self, object_list, per_page, *args, lignes=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.completer = lignes

    def page(self, number):
        number = self.validate_number(number)
        debut = (number - 1) * self.per_page
        fin = debut + self.per_page
        if fin + self.orphans >= self.count:
            fin = self.count
        ids = self.object_list.values("pk")[debut:fin]
        # The row query starts from the model, not the filtered queryset: its filters are in
        # the ids already, and repeated they would lead the planner back to the large join.
        # `= ANY(ARRAY(…))` (reussite.core.lookups.DansTableau): with `IN`, PostgreSQL does not
        # know the subquery yields 25 ids and hashes the whole table.
        lignes = self.object_list.model._default_manager.filter(pk__dans_tableau=ids)
        lignes.query.select_related = self.object_list.query.select_related
        lignes = lignes.order_by(*self.object_list.query.order_by)
        if self.completer is not None:
            lignes = self.completer(lignes)
        return self._get_page(lignes, number, self)


class PaginationEstimee(Paginator):
    """The administration's lists over large tables: the unfiltered list's count read from the
    planner's statistics, not counted.

    Django's admin counts every list it pages: `SELECT COUNT(*)` reads the whole table (a
    sequential scan of 20,000 professionals, an index scan of 2.9 million trail rows, issue 18).
    A list with no condition is the whole table: its number of rows is the one the planner keeps
    in `pg_class.reltuples` (refreshed by autovacuum's ANALYZE), exact enough to number pages. A
    table under `SEUIL` rows by that estimate is counted exactly, in the same single query (the
    SQL function `core_nombre_lignes` counts only then), so a list costs as many queries on a
    small table as on a large one. A filtered or searched list is counted exactly up to
    `PLAFOND` rows, and shown as « plus de 10 000 » beyond.

    The estimate may be off by a little: a page past its end answers an empty page instead of an
    error, and the last page is read in full (`page`), so every row stays reachable; past the
    cap, the pages after the last one listed open too. admin/pagination.html says « environ »
    or « plus de » (`nombre_resultats`)."""

    SEUIL = 10_000
    # A filtered list is counted up to this many rows; beyond, « plus de 10 000 »: counting a
    # filter that keeps a million trail rows costs as much as counting the table.
    PLAFOND = 10_000
    # Whether the count is the planner's estimate, and whether it stopped at PLAFOND.
    estime = False
    plafonne = False

    @cached_property
    def count(self):
        requete = self.object_list
        requete_sql = getattr(requete, "query", None)
        if requete_sql is None:
            return super().count
        if not _sans_condition(requete_sql):
            # The rows are not sorted to be counted; LIMIT lets PostgreSQL stop at the cap.
            nombre = requete.order_by()[: self.PLAFOND + 1].count()
            self.estime = self.plafonne = nombre > self.PLAFOND
            return nombre
        connexion = connections[requete.db]
        table = connexion.ops.quote_name(requete.model._meta.db_table)
        # Migration core/0025: the estimate, or the exact count below `SEUIL` rows.
        with connexion.cursor() as curseur:
            curseur.execute(
                "SELECT estime, nombre FROM core_nombre_lignes(%s::regclass, %s)",
                [table, self.SEUIL],
            )
            self.estime, nombre = curseur.fetchone()
        return nombre

    def validate_number(self, number):
        try:
            return super().validate_number(number)
        except EmptyPage:
            # Past the estimated end or the cap: the list goes on.
            if self.count and self.estime and int(number) > self.num_pages:
                return int(number)
            raise

    def page(self, number):
        number = self.validate_number(number)
        if not self.estime:
            return super().page(number)
        debut = (number - 1) * self.per_page
        return self._get_page(self.object_list[debut : debut + self.per_page], number, self)


def _sans_condition(requete) -> bool:
    """The query reads every row of its table once: no WHERE, no DISTINCT, no grouping, no
    slice, no UNION (joins along non-null foreign keys, as `list_select_related` adds, keep
    one row per row)."""
    return not (
        requete.where
        or requete.distinct
        or requete.group_by
        or requete.combinator
        or requete.low_mark
        or requete.high_mark is not None
    )


def parametres_sans_page(requete) -> str:
    """The request's query string without `page`: what a list's other links (pagination,
    exports) carry so that they keep its filters."""
    parametres = requete.GET.copy()
    parametres.pop("page", None)
    return parametres.urlencode()
