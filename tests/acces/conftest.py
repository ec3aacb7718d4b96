import pytest

from parcours.models import Statut
from tests.acces.monde import Monde, construire_monde
from tests.factories.parcours import ParcoursFactory
from tests.factories.partage import partenaire, pre
from tests.support.donnees_partagees import copie_pour, monde_partage

# The sweep's world, built once per module (1 to 2 s on the 2-core machine); each test's
# changes are rolled back as usual (tests/support/donnees_partagees.py).
_monde_du_module = monde_partage(construire_monde)


@pytest.fixture
def monde(_monde_du_module, db, settings) -> Monde:
    """Two programmes, their partners and pathways in every state the sweep needs."""
    return copie_pour(_monde_du_module, settings)


# --- The derived-permission tests (test_partage_*.py) -----------------------------------------


@pytest.fixture
def a():
    """PRE A: a programme, its carrying structure and its coordinator."""
    return pre(nom="PRE A")


@pytest.fixture
def structure(a):
    """A partner structure of programme A, charter signed."""
    return partenaire(a.programme, nom="Association Coup de pouce")


@pytest.fixture
def p(a):
    """A pathway of programme A, in progress."""
    return ParcoursFactory(programme=a.programme, statut=Statut.EN_COURS)
