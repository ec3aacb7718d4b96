"""Children, their families and their pathways in a programme, and the work done on them."""

from .base import *  # noqa: F403
from .dispositifs import *  # noqa: F403
from .droits import *  # noqa: F403
from .eps import *  # noqa: F403
from .imports import *  # noqa: F403
from .orientations import *  # noqa: F403
from .sollicitations import *  # noqa: F403
from .statistiques import *  # noqa: F403
from .suivi import *  # noqa: F403
from .transferts import *  # noqa: F403
from .transitions import *  # noqa: F403
