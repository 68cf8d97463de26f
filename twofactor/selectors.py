"""Reads of a user's TOTP devices (django-otp's otp_totp models)."""

from django_otp.plugins.otp_totp.models import TOTPDevice


def confirmed_device_for(user) -> TOTPDevice | None:
    """The device a user logs in with; one per user (set up on the
    two-factor page)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def unconfirmed_device_for(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
