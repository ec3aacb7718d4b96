"""Rows written once for a whole test module: Django's `setUpTestData` for pytest functions.

A module-scoped fixture writes them inside a transaction on every alias; each test's own
transaction (pytest-django's `db`) then nests in it as a savepoint and is rolled back after the
test, as usual; the module's transaction is rolled back when its last test has run. A test sees
the shared rows as they were written, whatever the tests before it changed.

Only for rows that are slow to build and that tests read rather than rebuild (the demo data
takes nine seconds a run on the 2-core machine). Objects held in Python by the fixture are not
rolled back: a test that changes one works on a fresh copy from the database.
"""

import contextlib

from django.db import transaction

from tests.conftest import BASES


@contextlib.contextmanager
def donnees_du_module(django_db_blocker, bases=tuple(BASES)):
    with django_db_blocker.unblock():
        atomiques = [transaction.atomic(using=alias) for alias in bases]
        for atomique in atomiques:
            atomique.__enter__()
        try:
            yield
        finally:
            for alias in bases:
                transaction.set_rollback(True, using=alias)
            for atomique in reversed(atomiques):
                atomique.__exit__(None, None, None)
