"""Writes of the second factor (django-otp devices): enrolment, backup codes, verification.

The views only hold the session side (`deux_facteurs.marquer_verifie`): services never take a
request. django-otp's throttling writes on every wrong code; each service is atomic so that a
confirmation and its backup codes land together.
"""

from django.db import transaction
from django.utils.translation import gettext as _t
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

__all__ = [
    "NOMBRE_CODES_SECOURS",
    "VerificationCode",
    "appareil_a_confirmer",
    "appareil_confirmer",
    "code_verifier",
    "codes_secours_creer",
]

NOMBRE_CODES_SECOURS = 10


@transaction.atomic
def appareil_a_confirmer(*, user) -> TOTPDevice:
    """The user's unconfirmed authenticator app, created on the first visit to the enrolment."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=_t("Application d'authentification"), confirmed=False
        )
    return device


@transaction.atomic
def codes_secours_creer(*, user) -> list[str]:
    """New backup codes for `user`; the previous ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_t("Codes de secours"), confirmed=True)
    codes = [StaticToken.random_token() for _ in range(NOMBRE_CODES_SECOURS)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


@transaction.atomic
def appareil_confirmer(*, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm `device` with a code it shows now: its user's backup codes, or None if wrong."""
    if not device.verify_token(code):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return codes_secours_creer(user=device.user)


class VerificationCode:
    """The outcome of `code_verifier`: the device that accepted the code, or why none did."""

    __slots__ = ("appareil", "freine")

    def __init__(self, appareil, freine: bool):
        self.appareil = appareil
        self.freine = freine


@transaction.atomic
def code_verifier(*, user, code: str) -> VerificationCode:
    """Try `code` on each confirmed device of `user` (app, then backup codes: a backup code is
    spent). `freine` says that django-otp's throttling refused at least one device."""
    devices = list(devices_for_user(user, for_verify=True))
    freine = any(not d.verify_is_allowed()[0] for d in devices)
    for device in devices:
        if device.verify_token(code):
            return VerificationCode(device, freine)
    return VerificationCode(None, freine)
