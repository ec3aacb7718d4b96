"""Forms of the core: the DSFR base forms and widgets (base), then one module per flow, imported
from its own module (`reussite.core.forms.jetons`), not from here, to keep the base importable by
every layer without pulling in the flows' dependencies."""

from .base import *  # noqa: F403
