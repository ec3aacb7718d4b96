"""What a creation form carries besides its fields (reussite/core/ecriture.py)."""

import uuid


def jeton() -> str:
    """A fresh one-time token, as the form's page would have rendered it."""
    return str(uuid.uuid4())
