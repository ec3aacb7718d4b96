"""Test-only email backend for the worker tests: each message becomes a file, and a flag file
makes the sending process block once, before or after the hand-off, so that a test can kill
it exactly there (SIGKILL on the pool child running the send): `bloquer-<moment>`. With
`attendre-<moment>`, the send pauses until the test removes the flag (to cut the worker's
database session meanwhile), then goes on."""

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class CourrielEnFichiers(BaseEmailBackend):
    def send_messages(self, email_messages):
        dossier = Path(os.environ["COURRIELS_DIR"])
        for message in email_messages:
            self._bloquer_si(dossier, "avant")
            self._attendre_si(dossier, "avant")
            (dossier / f"{uuid.uuid4().hex}.eml").write_bytes(message.message().as_bytes())
            self._bloquer_si(dossier, "apres")
            self._attendre_si(dossier, "apres")
        return len(email_messages)

    @staticmethod
    def _bloquer_si(dossier: Path, moment: str) -> None:
        drapeau = dossier / f"bloquer-{moment}"
        if drapeau.exists():
            drapeau.unlink()  # once: the redelivered send goes through
            (dossier / "pid").write_text(str(os.getpid()))
            time.sleep(120)

    @staticmethod
    def _attendre_si(dossier: Path, moment: str) -> None:
        drapeau = dossier / f"attendre-{moment}"
        if drapeau.exists():
            (dossier / f"en-attente-{moment}").write_text(str(os.getpid()))
            limite = time.monotonic() + 60
            while drapeau.exists() and time.monotonic() < limite:
                time.sleep(0.05)
