"""The partner network: structures, professionals, offers and conventions."""

from .base import *  # noqa: F403
