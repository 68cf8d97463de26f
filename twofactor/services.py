"""Setting up, checking and removing a user's TOTP device."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.errors import ActionForbidden
from portal.queue import enqueue_on_commit
from twofactor.policy import is_staff_account
from twofactor.selectors import confirmed_device_for, unconfirmed_device_for

DEVICE_NAME = "authenticator"


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
    (django-otp's throttling doubles the wait after every failure), and a
    code is accepted only once."""
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        ok = locked.verify_token(code.strip())
    if ok:
        device.refresh_from_db()
    return ok


def device_confirm(*, actor, device: TOTPDevice, code: str) -> bool:
    """Confirms the device once the person proves their app has its secret;
    any other confirmed device of theirs is replaced."""
    if device.user_id != actor.pk or device.confirmed:
        raise ActionForbidden(_("This device cannot be confirmed."))
    if not device_check(device=device, code=code):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=actor, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        _tell(actor, "confirmed")
    return True


def device_remove(*, actor, code: str) -> bool:
    """Removes the confirmed device after a right code from it."""
    device = confirmed_device_for(actor)
    if device is None:
        raise ActionForbidden(_("You have no two-factor device to remove."))
    if not device_check(device=device, code=code):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=actor).delete()
        _tell(actor, "removed")
    return True


def _tell(user, change: str) -> None:
    """An e-mail to the account's own address, after commit."""
    from twofactor.tasks import email_two_factor_change

    enqueue_on_commit(email_two_factor_change, user.pk, change)
