"""Rows written once for a whole test module: Django's `setUpTestData` for pytest functions.

A module-scoped fixture writes them inside a transaction on every alias; each test's own
transaction (pytest-django's `db`) then nests in it as a savepoint and is rolled back after the
test, as usual; the module's transaction is rolled back when its last test has run. A test sees
the shared rows as they were written, whatever the tests before it changed.

Only for rows that are slow to build and that tests read rather than rebuild (the demo data
takes nine seconds a run on the 2-core machine). Objects held in Python by the fixture are not
rolled back: a test that changes one works on a fresh copy from the database, or receives a deep
copy of them (`monde_du_module` and `copie_pour`, for the worlds of tests/acces/monde.py, 1 to
2 s each to build on the 2-core machine).

Not for a module with transactional tests (`transaction=True`): they cannot run inside the
module's transaction.
"""

import contextlib
import copy
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings

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


@dataclass(frozen=True)
class Partage:
    """A world written once, and the media folder its files were stored in."""

    monde: object
    media: Path


@contextlib.contextmanager
def monde_du_module(django_db_blocker, tmp_path_factory, construire: Callable[[], object]):
    """Build a world once (`construire`) inside `donnees_du_module`. Its files go to a folder of
    their own: each test has its own MEDIA_ROOT (tests/conftest.py), filled by `copie_pour`."""
    media = tmp_path_factory.mktemp("media-partage")
    with donnees_du_module(django_db_blocker):
        with override_settings(MEDIA_ROOT=media):
            monde = construire()
        yield Partage(monde, media)


def monde_partage(construire: Callable[[], object]):
    """A module-scoped fixture yielding the `Partage` of `construire`'s world; the module's
    function-scoped `monde` fixture returns `copie_pour(partage, settings)`."""

    @pytest.fixture(scope="module")
    def partage(django_db_setup, django_db_blocker, tmp_path_factory):
        with monde_du_module(django_db_blocker, tmp_path_factory, construire) as resultat:
            yield resultat

    return partage


def copie_pour(partage: Partage, settings) -> object:
    """What a test receives: a deep copy of the shared world (fresh Python objects, as built:
    an earlier test's changes to them in memory do not leak), its files in the test's
    MEDIA_ROOT."""
    shutil.copytree(partage.media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    return copy.deepcopy(partage.monde)
