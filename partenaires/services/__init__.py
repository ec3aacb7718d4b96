"""Writes on the partner network, one module per flow; import them from here."""

from .structures import *  # noqa: F403
