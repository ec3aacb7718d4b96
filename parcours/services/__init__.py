"""Services of the parcours app, one module per flow; import them from here."""

from .actions import *  # noqa: F403
from .base import *  # noqa: F403
from .dispositifs import *  # noqa: F403
from .droits import *  # noqa: F403
from .eps import *  # noqa: F403
from .imports import *  # noqa: F403
from .journal import *  # noqa: F403
from .offres import *  # noqa: F403
from .orientations import *  # noqa: F403
from .protection import *  # noqa: F403
from .sollicitations import *  # noqa: F403
from .statistiques import *  # noqa: F403
from .transferts import *  # noqa: F403
from .transitions import *  # noqa: F403
