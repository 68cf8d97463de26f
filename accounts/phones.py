"""Mobile numbers in one written form (E.164, e.g. +8613812345678): a
mainland number may be typed without +86, any other with its country code.
Logs and pages show a number masked (+86 138****5678)."""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_MOBILE_TYPES = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def _parse(raw: str):
    text = (raw or "").strip()
    if not text:
        return None
    try:
        number = phonenumbers.parse(text, settings.SMS_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def normalise_phone(raw: str) -> str | None:
    """Any valid number (a landline too) in E.164, or None."""
    number = _parse(raw)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) if number else None


def normalise_mobile(raw: str) -> str | None:
    """A number that can receive texts, in E.164, or None."""
    number = _parse(raw)
    if number is None or phonenumbers.number_type(number) not in _MOBILE_TYPES:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_mobile(e164: str) -> bool:
    return bool(e164) and normalise_mobile(e164) == e164


def mobile_or_error(raw: str) -> str:
    """For forms: the number in E.164, or a ValidationError saying how to type it."""
    number = normalise_mobile(raw)
    if number is None:
        raise ValidationError(
            _("Enter a mobile number: 11 digits for a mainland number, or + and the country code for another."),
            code="invalid_mobile",
        )
    return number


def mask_phone(e164: str) -> str:
    """+8613812345678 → +86 138****5678: enough to recognise, not to dial."""
    number = _parse(e164)
    if number is None:
        return "***"
    national = phonenumbers.national_significant_number(number)
    keep_head = 3 if len(national) >= 10 else max(1, len(national) // 4)
    hidden = max(1, len(national) - keep_head - 4)
    return f"+{number.country_code} {national[:keep_head]}{'*' * hidden}{national[-4:]}"


def phone_spellings(stored: str) -> tuple[str, ...]:
    """The ways a stored number may be written in a text (E.164, spaced
    international, national, bare digits), for redaction; a number stored
    as typed (not a valid one) is its own only spelling."""
    number = _parse(stored)
    if number is None:
        return (stored,) if stored else ()
    formats = (phonenumbers.PhoneNumberFormat.E164, phonenumbers.PhoneNumberFormat.INTERNATIONAL,
               phonenumbers.PhoneNumberFormat.NATIONAL)
    spellings = [phonenumbers.format_number(number, fmt) for fmt in formats]
    spellings.append(phonenumbers.national_significant_number(number))
    return tuple(dict.fromkeys(spellings))
