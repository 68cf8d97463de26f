"""Reads of a user's two-factor devices: the TOTP app (django-otp's
otp_totp) and the backup codes (otp_static)."""

from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

# At or below this many unused backup codes, the person is asked to make
# new ones: with three left there is still room to log in, make a new set
# and keep a spare.
BACKUP_CODES_LOW = 3


def confirmed_device_for(user) -> TOTPDevice | None:
    """The device a user logs in with; one per user (set up on the
    two-factor page)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def unconfirmed_device_for(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()


def backup_device_for(user) -> StaticDevice | None:
    """The container of the user's backup codes; one per user, kept when
    the codes are replaced so that a session verified by a backup code stays
    verified."""
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def backup_codes_left(user) -> int:
    """How many backup codes can still be used (a used one is deleted)."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def backup_codes_low(count: int) -> bool:
    return count <= BACKUP_CODES_LOW
