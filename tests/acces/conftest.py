import pytest

from parcours.models import Statut
from tests.acces.monde import Monde, construire_monde
from tests.factories.parcours import ParcoursFactory
from tests.factories.partage import partenaire, pre


@pytest.fixture
def monde() -> Monde:
    """Two programmes, their partners and pathways in every state the sweep needs."""
    return construire_monde()


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
