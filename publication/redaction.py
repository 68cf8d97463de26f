"""A first pass at hiding personal data in what will be published: the
moderator starts from it and corrects it by hand (nothing is published that a
moderator has not seen)."""

import re

from django.utils.translation import gettext as _

PATTERNS = [
    # E-mail addresses.
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    # Mainland resident identity numbers (18 characters, the last may be X).
    re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)"),
    # Mobile numbers (1 + 10 digits), with optional +86 and separators.
    re.compile(r"(?:\+?86[ -]?)?(?<!\d)1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)"),
    # Fixed-line numbers such as 010-12345678 or (0755) 1234 5678.
    re.compile(r"(?<!\d)\(?0\d{2,3}\)?[ -]?\d{3,4}[ -]?\d{4}(?!\d)"),
]


def mask() -> str:
    return _("[removed]")


def redact(text: str, *, names: tuple[str, ...] = ()) -> str:
    """The text with e-mail addresses, identity and phone numbers and the
    given names replaced by a marker."""
    if not text:
        return text
    replacement = mask()
    for pattern in PATTERNS:
        text = pattern.sub(replacement, text)
    for name in sorted({name.strip() for name in names if name and len(name.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(name, replacement)
    return text
