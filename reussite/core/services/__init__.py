"""Writes of the core, one module per flow; import them from here."""

from .base import *  # noqa: F403
from .programmes import *  # noqa: F403
