"""Two-factor sign-in for tests: a person's authenticator and recovery codes, and the codes
their app would show (computed with django-otp's own TOTP, as an app computes them)."""

from __future__ import annotations

import base64
import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY = ("abcd2345", "efgh2367", "ijkl4567")


def turn_on_two_factor(user, recovery=RECOVERY) -> TOTPDevice:
    """A confirmed authenticator for `user`, and the recovery codes `recovery`."""
    device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    StaticToken.objects.bulk_create(StaticToken(device=static, token=t) for t in recovery)
    return device


def app_code(device: TOTPDevice, *, seconds_from_now: float = 0) -> str:
    """The code the app shows now (or `seconds_from_now` later: negative is earlier)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + seconds_from_now
    return f"{totp.token():0{device.digits}d}"


def app_code_from_key(base32_key: str, *, seconds_from_now: float = 0) -> str:
    """The code an app shows for a key typed in by hand (spaces allowed), as on the page."""
    key = base64.b32decode("".join(base32_key.split()).upper())
    totp = TOTP(key)
    totp.time = time.time() + seconds_from_now
    return f"{totp.token():06d}"
