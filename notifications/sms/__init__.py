"""Text messages behind one interface, as Django's e-mail backends are:
settings.SMS_BACKEND names the class (file, console, locmem, or a gateway:
Alibaba Cloud, Tencent Cloud), and send_sms() hands it one text."""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string

# Texts kept by the locmem backend (tests), as django.core.mail.outbox.
outbox: list = []


@dataclass(frozen=True)
class Sms:
    to: str  # E.164
    kind: str  # which approved template: notifications.sms.texts.KINDS
    params: dict = field(default_factory=dict)  # the template's variables, in its order
    text: str = ""  # the whole text as its reader sees it, signature first


class SmsError(OSError):
    """The gateway could not be reached or asked us to wait: worth retrying."""


class SmsRefused(Exception):
    """The gateway refused this text for good (a bad number, an unknown
    template): retrying sends nothing."""


def get_backend():
    return import_string(settings.SMS_BACKEND)()


def send_sms(message: Sms) -> str:
    """Send one text; returns the gateway's id for it (or the backend's)."""
    return get_backend().send(message)
