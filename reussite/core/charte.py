"""The confidentiality charter (shared professional secrecy) every professional accepts."""

from .models import AcceptationCharte

CHARTE_VERSION = "2026-1"


def charte_acceptee(user, version: str = CHARTE_VERSION) -> bool:
    return AcceptationCharte.objects.filter(user=user, version=version).exists()
