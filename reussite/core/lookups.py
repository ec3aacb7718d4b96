"""Query lookups shared by every app, registered when the core app is ready."""

from django.db import models


@models.Field.register_lookup
class DansTableau(models.Lookup):
    """`champ = ANY(ARRAY(sous-requête))`: the subquery runs once (an InitPlan) and the rows
    are then read through the column's index. `IN (sous-requête)` let PostgreSQL join every
    row of a large table before applying the semi-join, its size being unknown (issue 18). A
    Python list of keys becomes `champ IN (SELECT unnest(%s))`."""

    lookup_name = "dans_tableau"

    def get_prep_lookup(self):
        if isinstance(self.rhs, (list, tuple, set, frozenset)):
            return [self.lhs.output_field.get_prep_value(valeur) for valeur in self.rhs]
        return super().get_prep_lookup()

    def as_sql(self, compiler, connection):
        gauche, params_gauche = self.process_lhs(compiler, connection)
        if isinstance(self.rhs, list):
            # Keys already known in Python: one array parameter, whatever their number (`IN`
            # would write one placeholder per key, thousands on a large programme). Unnested
            # rather than `= ANY(ARRAY[…])`: the planner weighed each of 2,000 keys and then
            # tested every row against the whole array (a list of 2,000 pathways at risk,
            # count 23 → 9 ms, page 33 → 10 ms); here it hashes them once.
            type_sql = self.lhs.output_field.cast_db_type(connection)
            return (
                f"{gauche} IN (SELECT unnest(%s::{type_sql}[]))",
                (*params_gauche, _tableau(self.rhs)),
            )
        droite, params_droite = self.process_rhs(compiler, connection)
        return f"{gauche} = ANY(ARRAY{droite})", (*params_gauche, *params_droite)


def _tableau(valeurs: list):
    """Integer keys as one array literal (`'{1,2,3}'`), read by PostgreSQL as a single
    constant. psycopg2 writes a list as `ARRAY[1,2,3]`, an expression of one node per key,
    which PostgreSQL parses and coerces key by key before planning: 6 ms more for a list of
    2,000 pathways, on each of the four queries of the pathways at risk (issue 18)."""
    if all(type(valeur) is int for valeur in valeurs):
        return "{" + ",".join(map(str, valeurs)) + "}"
    return valeurs


models.ForeignKey.register_lookup(DansTableau)
