"""Signals `partenaires` sends about its facts, for the layers above it to react to.

`partenaires` never imports `parcours` (pyproject.toml, import-linter); a membership, a
structure's charter or partnership decides who sees which pathway, so `parcours` connects its
permission recomputation to `adhesion_modifiee` (ParcoursConfig.ready).
"""

from django.dispatch import Signal

# A professional's membership facts changed: active or not, their structure, its charter or its
# partnerships. Sent with `professionnel=`, inside the transaction of the change: receivers run
# in it, so that every access the membership gave ends (or starts) with the change itself, and
# a receiver's error rolls the change back.
adhesion_modifiee = Signal()
