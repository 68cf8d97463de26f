"""Tracking numbers: digits only, so they can be read aloud over the phone,
with ten random digits from the OS's secure generator and a Luhn check digit
that catches a misheard or mistyped digit. Looking a case up needs the
number *and* the e-mail address, so the number alone reveals nothing."""

import re
import secrets

from django.utils import timezone

_NON_DIGITS = re.compile(r"\D")


def _luhn_check_digit(digits: str) -> str:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def new_tracking_number(now=None) -> str:
    """e.g. 261127-4821-3773-059: date, ten random digits, a check digit."""
    now = now or timezone.localtime()
    # Ten digits in one draw (one call to the OS's generator, not ten).
    body = now.strftime("%y%m%d") + f"{secrets.randbelow(10 ** 10):010d}"
    digits = body + _luhn_check_digit(body)
    return f"{digits[:6]}-{digits[6:10]}-{digits[10:14]}-{digits[14:]}"


def normalise_tracking_number(raw: str) -> str | None:
    """Accept the number with any spacing or dashes; None if it cannot be one."""
    digits = _NON_DIGITS.sub("", raw or "")
    if len(digits) != 17 or _luhn_check_digit(digits[:-1]) != digits[-1]:
        return None
    return f"{digits[:6]}-{digits[6:10]}-{digits[10:14]}-{digits[14:]}"
