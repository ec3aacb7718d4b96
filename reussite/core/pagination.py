from django.core.paginator import Paginator


class PaginationDifferee(Paginator):
    """Pages the ids first, then joins what a row shows for that page only.

    `queryset[25:50]` with a dozen `select_related` makes PostgreSQL join every matching row
    before sorting them (thousands for a large programme, issue 18). Here the page's ids are
    sorted and limited on the base table alone, and the row query, with its joins, reads those
    25 rows: still one query per page, plus the count."""

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
        return self._get_page(lignes, number, self)


def parametres_sans_page(requete) -> str:
    """The request's query string without `page`: what a list's other links (pagination,
    exports) carry so that they keep its filters."""
    parametres = requete.GET.copy()
    parametres.pop("page", None)
    return parametres.urlencode()
