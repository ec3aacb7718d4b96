"""Reads of the core, one module per flow; import them from here."""

from .securite import *  # noqa: F403
