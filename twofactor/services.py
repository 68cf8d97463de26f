"""Setting up, checking and removing a user's two-factor devices: the TOTP
app, and the backup codes that stand in for it when the phone is lost."""

import math
import re

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.errors import ActionForbidden, DomainError
from portal.queue import enqueue_on_commit
from twofactor.policy import is_staff_account
from twofactor.selectors import backup_device_for, confirmed_device_for, unconfirmed_device_for

DEVICE_NAME = "authenticator"
BACKUP_DEVICE_NAME = "backup codes"
BACKUP_CODE_COUNT = 10
TOTP_CODE = re.compile(r"[0-9]{6}")
# django-otp's StaticToken.random_token(): 40 random bits as eight base32
# characters. Told apart from an app's code by its length. 40 bits are
# plenty behind the throttling and the login lockout, which allow a handful
# of guesses, not billions.
BACKUP_CODE = re.compile(r"[a-z2-7]{8}")


class CodeThrottled(DomainError):
    """Wrong codes came too fast: the device does not check another one,
    right or wrong, until the wait is over."""

    def __init__(self, seconds: int):
        self.seconds = seconds
        super().__init__(ngettext(
            "Too many wrong codes in a row. Wait %(seconds)d second, then enter the code your app shows then.",
            "Too many wrong codes in a row. Wait %(seconds)d seconds, then enter the code your app shows then.",
            seconds) % {"seconds": seconds})


def _throttle_check(device) -> None:
    """Raise CodeThrottled while django-otp's throttling would refuse any
    code: its verify_token() then says only "wrong", even for a right one."""
    allowed, details = device.verify_is_allowed()
    if not allowed:
        locked_until = (details or {}).get("locked_until")
        seconds = (locked_until - timezone.now()).total_seconds() if locked_until else 1
        raise CodeThrottled(max(1, math.ceil(seconds)))


def code_normalised(code: str) -> str:
    """The code without the spaces and hyphens people add when they copy
    it, in lower case (backup codes are shown in lower case)."""
    return re.sub(r"[\s-]", "", code).lower()


def is_backup_code(code: str) -> bool:
    return BACKUP_CODE.fullmatch(code_normalised(code)) is not None


def device_start(*, actor) -> TOTPDevice:
    """The unconfirmed device whose secret the setup page shows. Reused
    until it is confirmed, so reloading the page keeps the same secret the
    person may already have scanned."""
    if not is_staff_account(actor):
        raise ActionForbidden(_("Two-factor authentication is for staff accounts."))
    with transaction.atomic():
        device = unconfirmed_device_for(actor)
        if device is None:
            device = TOTPDevice.objects.create(user=actor, name=DEVICE_NAME, confirmed=False)
    return device


def device_check(*, device: TOTPDevice, code: str) -> bool:
    """True when the code is right. Each wrong code slows the device down
    (django-otp's throttling doubles the wait after every failure: during
    the wait, CodeThrottled), and a code is accepted only once."""
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        _throttle_check(locked)
        ok = locked.verify_token(code.strip())
    if ok:
        device.refresh_from_db()
    return ok


def code_check(*, user, code: str) -> Device | None:
    """The device that accepts the code, or None: six digits go to the
    user's authenticator app, a backup code to their backup codes, where it
    is used up. Each device throttles its own wrong codes the same way
    (doubling the wait after every failure); the login step adds the
    lockout."""
    code = code_normalised(code)
    if TOTP_CODE.fullmatch(code):
        device = confirmed_device_for(user)
        return device if device is not None and device_check(device=device, code=code) else None
    if BACKUP_CODE.fullmatch(code):
        device = backup_device_for(user)
        if device is None:
            return None
        with transaction.atomic():
            # Locked: two requests with the same code must not both find it
            # before either has deleted it.
            locked = StaticDevice.objects.select_for_update().get(pk=device.pk)
            _throttle_check(locked)
            ok = locked.verify_token(code)
        return locked if ok else None
    return None


def login_code_check(*, user, code: str) -> Device | None:
    """code_check for the second step of the login. Logging in with a
    backup code is told by e-mail: if it was not the person, someone has
    their password and one of their codes."""
    device = code_check(user=user, code=code)
    if isinstance(device, StaticDevice):
        _tell(user, "backup_code_used")
    return device


def device_confirm(*, actor, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirms the device once the person proves their app has its secret;
    any other confirmed device of theirs is replaced, and a new set of
    backup codes is made. Returns the backup codes, to be shown once, or
    None when the code is wrong."""
    if device.user_id != actor.pk or device.confirmed:
        raise ActionForbidden(_("This device cannot be confirmed."))
    if not device_check(device=device, code=code):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=actor, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _backup_codes_replace(actor)
        _tell(actor, "confirmed")
    return codes


def device_remove(*, actor, code: str) -> bool:
    """Removes the confirmed device, and the backup codes with it, after a
    right code from the app or an unused backup code (someone who lost
    their phone can then set up the new one)."""
    if confirmed_device_for(actor) is None:
        raise ActionForbidden(_("You have no two-factor device to remove."))
    if code_check(user=actor, code=code) is None:
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=actor).delete()
        StaticDevice.objects.filter(user=actor).delete()  # and their tokens
        _tell(actor, "removed")
    return True


def backup_codes_make(*, actor, code: str) -> list[str] | None:
    """A new set of backup codes, after a right code from the app or an
    unused backup code; the old set stops working. Returns the codes, to be
    shown once, or None when the code is wrong. Asking for a code keeps a
    session left open on a shared computer from making itself codes."""
    if confirmed_device_for(actor) is None:
        raise ActionForbidden(_("Turn on two-factor authentication first: backup codes come with it."))
    if code_check(user=actor, code=code) is None:
        return None
    with transaction.atomic():
        codes = _backup_codes_replace(actor)
        _tell(actor, "backup_codes_made")
    return codes


def _backup_codes_replace(user) -> list[str]:
    """Replaces the user's backup codes, inside the caller's transaction.
    The device itself is kept: a session verified with one of the old codes
    stays verified."""
    # The user's row serialises two set-ups or two requests for new codes,
    # which could otherwise each create a device.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    device = backup_device_for(user)
    if device is None:
        device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    StaticToken.objects.filter(device=device).delete()
    codes: list[str] = []
    while len(codes) < BACKUP_CODE_COUNT:  # ten different codes, so ten can be used
        token = StaticToken.random_token()
        if token not in codes:
            codes.append(token)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=token) for token in codes)
    return codes


def _tell(user, change: str) -> None:
    """An e-mail to the account's own address, after commit."""
    from twofactor.tasks import email_two_factor_change

    enqueue_on_commit(email_two_factor_change, user.pk, change)
