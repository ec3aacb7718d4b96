"""The administration's lists over large tables are not counted (issue 18): the unfiltered
list's count is the planner's estimate (`pg_class.reltuples`), a filtered one is counted
exactly, and the pages past an estimate that fell short still open."""

import re

import pytest
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partenaires.admin import ProfessionnelAdmin
from partenaires.models import Professionnel
from reussite.core.pagination import PaginationEstimee
from reussite.core.privileges import connexion_proprietaire
from tests.conftest import connecter
from tests.factories.core import ProgrammeFactory, UserFactory
from tests.factories.partage import partenaire, professionnel

# The statistics must be committed to be read: ANALYZE runs as the owner, on its own connection.
pytestmark = pytest.mark.django_db(transaction=True)


def _professionnels(nombre, structure=None):
    structure = structure or partenaire(ProgrammeFactory(), nom="Structure estimée")
    for _ in range(nombre):
        professionnel(structure)
    return structure


def _analyser(table):
    with connexion_proprietaire("default"), connections["default"].cursor() as curseur:
        curseur.execute(f'ANALYZE "{table}"')


@pytest.fixture
def seuil_bas(monkeypatch):
    # 10,000 rows in production; a handful here.
    monkeypatch.setattr(PaginationEstimee, "SEUIL", 3)


def test_la_liste_sans_filtre_prend_l_estimation_du_planificateur(seuil_bas):
    structure = _professionnels(4)
    _analyser("partenaires_professionnel")
    _professionnels(2, structure)  # not yet in the statistics
    paginateur = PaginationEstimee(Professionnel.objects.order_by("pk"), 2)
    assert (paginateur.count, paginateur.estime) == (4, True)
    filtre = PaginationEstimee(Professionnel.objects.filter(actif=True).order_by("pk"), 2)
    assert (filtre.count, filtre.estime) == (6, False)


def test_une_petite_table_est_comptee_exactement_dans_la_meme_requete(seuil_bas):
    structure = _professionnels(2)
    _analyser("partenaires_professionnel")
    _professionnels(3, structure)
    paginateur = PaginationEstimee(Professionnel.objects.order_by("pk"), 2)
    with CaptureQueriesContext(connections["default"]) as requetes:
        assert (paginateur.count, paginateur.estime) == (5, False)
    assert len(requetes) == 1


def test_les_pages_au_dela_d_une_estimation_trop_courte_s_ouvrent(seuil_bas):
    structure = _professionnels(4)
    _analyser("partenaires_professionnel")
    _professionnels(3, structure)
    tous = list(Professionnel.objects.order_by("pk"))
    paginateur = PaginationEstimee(Professionnel.objects.order_by("pk"), 2)
    assert paginateur.num_pages == 2
    lus = [ligne for numero in (1, 2, 3, 4) for ligne in paginateur.page(numero).object_list]
    assert lus == tous
    assert list(paginateur.page(9).object_list) == []


def test_l_administration_ne_compte_pas_la_liste_des_professionnels(seuil_bas, monkeypatch):
    structure = _professionnels(4)
    _analyser("partenaires_professionnel")
    _professionnels(3, structure)
    monkeypatch.setattr(ProfessionnelAdmin, "list_per_page", 3)
    client = connecter(Client(), UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:partenaires_professionnel_changelist")
    with CaptureQueriesContext(connections["default"]) as requetes:
        reponse = client.get(url)
    assert reponse.context["cl"].result_count == 4
    assert "environ 4 professionnels" in re.sub(r"\s+", " ", reponse.content.decode())
    assert not any(q["sql"].startswith("SELECT COUNT(*)") for q in requetes.captured_queries)
    # The rows the estimate left out are on the next page.
    reponse = client.get(url, {"p": 3})
    assert reponse.status_code == 200 and len(reponse.context["cl"].result_list) == 1
    # Searched: counted exactly.
    reponse = client.get(url, {"q": "Structure estimée"})
    assert reponse.context["cl"].result_count == 7
    assert "environ" not in reponse.content.decode()


def test_une_liste_filtree_est_comptee_jusqu_a_son_plafond(monkeypatch):
    """A filter that keeps a million trail rows costs as much to count as the table: the count
    stops at the cap, and the pages past it still open."""
    monkeypatch.setattr(PaginationEstimee, "PLAFOND", 3)
    _professionnels(5)
    tous = list(Professionnel.objects.filter(actif=True).order_by("pk"))
    paginateur = PaginationEstimee(Professionnel.objects.filter(actif=True).order_by("pk"), 2)
    with CaptureQueriesContext(connections["default"]) as requetes:
        assert (paginateur.count, paginateur.plafonne) == (4, True)
    assert len(requetes) == 1 and "LIMIT 4" in requetes[0]["sql"]
    lus = [ligne for numero in (1, 2, 3) for ligne in paginateur.page(numero).object_list]
    assert lus == tous
    sous_le_plafond = PaginationEstimee(Professionnel.objects.filter(pk=tous[0].pk), 2)
    assert (sous_le_plafond.count, sous_le_plafond.plafonne) == (1, False)

    monkeypatch.setattr(ProfessionnelAdmin, "list_per_page", 2)
    client = connecter(Client(), UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:partenaires_professionnel_changelist")
    reponse = client.get(url, {"q": "Structure estimée"})
    assert "plus de 3 professionnels" in re.sub(r"\s+", " ", reponse.content.decode())
    reponse = client.get(url, {"q": "Structure estimée", "p": 3})
    assert reponse.status_code == 200 and len(reponse.context["cl"].result_list) == 1
