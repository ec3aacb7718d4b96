"""Fixtures of the pathway services tests (test_parcours_services, test_parcours_modifications):
a programme, its coordinator, a référent of the PRE team and one of a partner structure. A module
that defines a fixture of the same name uses its own."""

import pytest

from tests.factories.core import ProgrammeFactory, coordinateur
from tests.factories.partenaires import ProfessionnelFactory, StructureFactory, structure_porteuse


@pytest.fixture
def programme():
    return ProgrammeFactory()


@pytest.fixture
def auteur(programme):
    return coordinateur(programme)


@pytest.fixture
def referent(programme):
    """A référent employed by the structure porteuse: part of the PRE team."""
    return ProfessionnelFactory(structure=structure_porteuse(programme))


@pytest.fixture
def partenaire(programme):
    """A référent employed by a partner structure of the programme (not the PRE team). The
    factories sign the structure's charter and accept it for the person: only assignment and a
    consent naming the structure are left for a test to decide."""
    return ProfessionnelFactory(structure=StructureFactory(programmes=[programme]))
