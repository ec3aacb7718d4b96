"""`champ__dans_tableau` (reussite/core/lookups.py): keys known in Python reach PostgreSQL as one
array literal, whatever their number, and select exactly those rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reussite.core.models import Programme
from tests.factories.core import ProgrammeFactory

pytestmark = pytest.mark.django_db


def test_une_liste_de_cles_est_un_seul_litteral_de_tableau():
    programmes = ProgrammeFactory.create_batch(3)
    cles = [programmes[0].pk, programmes[2].pk, 10**9]

    with CaptureQueriesContext(connection) as requetes:
        trouves = set(Programme.objects.filter(pk__dans_tableau=cles).values_list("pk", flat=True))

    assert trouves == {programmes[0].pk, programmes[2].pk}
    sql = requetes.captured_queries[0]["sql"]
    # One constant `'{…}'::bigint[]` (psycopg2 would write a list as `ARRAY[…]`, one node per
    # key for PostgreSQL to parse and coerce).
    assert f"unnest('{{{programmes[0].pk},{programmes[2].pk},{10**9}}}'::bigint[])" in sql
    assert "ARRAY[" not in sql


def test_une_liste_vide_ne_trouve_rien():
    ProgrammeFactory()
    assert not Programme.objects.filter(pk__dans_tableau=[]).exists()


def test_une_sous_requete_reste_un_tableau_calcule_une_fois():
    programme = ProgrammeFactory()
    ProgrammeFactory()
    sous_requete = Programme.objects.filter(pk=programme.pk).values("pk")

    with CaptureQueriesContext(connection) as requetes:
        trouves = list(Programme.objects.filter(pk__dans_tableau=sous_requete))

    assert trouves == [programme]
    assert "= ANY(ARRAY(SELECT" in requetes.captured_queries[0]["sql"]
