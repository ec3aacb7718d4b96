"""The partner network: structures, professionals, offers and conventions."""

from .base import *  # noqa: F403
from .imports import *  # noqa: F403
