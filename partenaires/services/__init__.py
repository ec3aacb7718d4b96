"""Writes on the partner network, one module per flow; import them from here."""

from .annuaire import *  # noqa: F403
from .conventions import *  # noqa: F403
from .offres import *  # noqa: F403
from .structures import *  # noqa: F403
