import pytest

from tests.acces.monde import Monde, construire_monde


@pytest.fixture
def monde() -> Monde:
    """Two programmes, their partners and pathways in every state the sweep needs."""
    return construire_monde()
