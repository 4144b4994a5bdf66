"""Second factor for staff sign-in: a TOTP app plus single-use recovery codes (django-otp).

Required for QM staff and admins, offered to jury members. A user who has set it up is always asked
for it, whatever their role.
"""

import base64
import secrets

from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

TOTP_NAME = "Authenticator-App"
RECOVERY_NAME = "Wiederherstellungscodes"
# Unambiguous letters and digits (no 0/O, 1/I/L), so a code copied from paper is typed right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def zwei_faktor_required(user):
    """QM staff and admins must sign in with a second factor; jury members may."""
    if not (user and user.is_authenticated):
        return False
    return user.is_superuser or user.is_staff or user.qm_quartiere.exists()


def zwei_faktor_active(user):
    """The user has a confirmed second factor, so every sign-in asks for it."""
    return user_has_device(user, confirmed=True)


def totp_device_pending(user):
    """The unconfirmed TOTP device of a set-up in progress (created with a fresh secret)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def totp_secret_base32(device):
    """The secret as an authenticator app expects it when typed in by hand (groups of four)."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_device_confirm(device, *, token):
    """Confirm a pending TOTP device with a code from the app; returns the new recovery codes.

    Side effects: the device is confirmed, any other TOTP device of the user removed, recovery
    codes replaced. Returns ``None`` (nothing changed) when the code is wrong.
    """
    if not device.verify_token(_normalise(token)):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return recovery_codes_renew(device.user)


def recovery_codes_renew(user, *, codes=None):
    """Replace the user's recovery codes with new ones and return them (shown once).

    Side effects: every earlier code stops working. Each code works once.
    """
    codes = codes or [recovery_code() for _ in range(settings.RECOVERY_CODES)]
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def zwei_faktor_verify(user, *, token):
    """The device that accepts ``token`` (a TOTP code or an unused recovery code), or None.

    django-otp throttles each device after failures, so guessing is slowed down exponentially.
    The devices are locked (``for_verify``) while a code is checked, so two requests cannot both
    use one recovery code; that lock needs a transaction (PostgreSQL refuses it outside one).
    """
    token = _normalise(token)
    if not token:
        return None
    for device in devices_for_user(user, confirmed=True, for_verify=True):
        if device.verify_token(token):
            return device
    return None


def zwei_faktor_remove(user):
    """Remove every second factor of ``user`` (an admin does it when a phone was lost)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def recovery_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


def _normalise(token):
    return "".join((token or "").split()).replace("-", "").upper()
