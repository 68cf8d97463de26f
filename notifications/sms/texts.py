"""What each text says, in its reader's language, with the variables its
gateway template takes. Chinese texts are kept to one 70-character segment
(signature included) where they can be; tests measure every one."""

import re

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from notifications.sms import Sms

KINDS = ("code", "received", "material_requested", "replied", "rate")

_GSM_7 = re.compile(r"^[A-Za-z0-9 \n\r@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!\"#¤%&'()*+,\-./:;<=>?¡ÄÖÑÜ§¿äöñüà]*$")


def segments(text: str) -> int:
    """How many segments a carrier bills: 70 characters in one (UCS-2, any
    Chinese), 67 each when longer; 160 and 153 for plain Latin text."""
    single, part = (160, 153) if _GSM_7.match(text) else (70, 67)
    return 1 if len(text) <= single else -(-len(text) // part)


def signed(text: str) -> str:
    return f"【{settings.SMS_SIGN_NAME}】{text}" if settings.SMS_SIGN_NAME else text


def case_link(tracking_number: str) -> str:
    """A short address that opens the look-up with the number filled in."""
    digits = tracking_number.replace("-", "")
    return settings.SITE_URL.rstrip("/") + reverse("petitions:case_short_link", args=[digits])


def _text(kind: str, params: dict) -> str:
    if kind == "code":
        return _("Your code is %(code)s, valid for %(minutes)s minutes. Tell no one.") % params
    if kind == "received":
        return _("Case received, number %(number)s. Track it with this number and your phone.") % params
    if kind == "material_requested":
        return _("Case %(number)s: the department asks for more material. Look it up to add it.") % params
    if kind == "replied":
        return _("Your case was answered. Read the answer: %(link)s") % params
    if kind == "rate":
        return _("Please rate the answer to your case: was it resolved, are you satisfied? %(link)s") % params
    raise ValueError(kind)


def code_sms(*, to: str, code: str, language: str) -> Sms:
    params = {"code": code, "minutes": str(max(1, settings.SMS_CODE_VALID_SECONDS // 60))}
    return build(to=to, kind="code", params=params, language=language)


def case_params(kind: str, case) -> dict:
    # The link names the case, and keeps the answer's text within one segment.
    if kind in ("replied", "rate"):
        return {"link": case_link(case.tracking_number)}
    return {"number": case.tracking_number}


def build(*, to: str, kind: str, params: dict, language: str) -> Sms:
    with translation.override(language or settings.LANGUAGE_CODE):
        text = signed(_text(kind, params))
    return Sms(to=to, kind=kind, params=params, text=text)
