"""Forms of the partenaires app, one module per flow; import them from here."""

from .annuaire import *  # noqa: F403
from .conventions import *  # noqa: F403
from .imports import *  # noqa: F403
