"""A first pass at hiding personal data in what will be published: the
moderator starts from it and corrects it by hand (nothing is published that a
moderator has not seen)."""

import re
import unicodedata

from django.utils.translation import gettext as _

PATTERNS = [
    # E-mail addresses.
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    # Mainland resident identity numbers: 18 characters (the last may be X),
    # also written in groups (6 8 4) with spaces or hyphens, and the older 15 digits.
    re.compile(r"(?<![\dA-Za-z])\d{6}[ -]?\d{8}[ -]?\d{3}[\dXx](?![\dA-Za-z])"),
    re.compile(r"(?<!\d)\d{15}(?!\d)"),
    # Mobile numbers (1 + 10 digits), with an optional +86, 86 or 0086 prefix
    # and spaces, hyphens or dots between the groups.
    re.compile(r"(?<!\d)(?:(?:\+|00)?86[ .-]?)?1[3-9]\d(?:[ .-]?\d{4}){2}(?!\d)"),
    # Fixed-line numbers such as 010-12345678 or (0755) 1234 5678.
    re.compile(r"(?<!\d)\(?0\d{2,3}\)?[ -]?\d{3,4}[ -]?\d{4}(?!\d)"),
]


def mask() -> str:
    return _("[removed]")


def _fold(text: str) -> str:
    """Each character in its compatibility form (NFKC) where that is one
    character: full-width digits, letters and signs become ASCII. The result
    has the text's length, so a match in it is the same span of the text."""
    return "".join(folded if len(folded := unicodedata.normalize("NFKC", char)) == 1 else char for char in text)


def redact(text: str, *, names: tuple[str, ...] = ()) -> str:
    """The text with e-mail addresses, identity and phone numbers and the
    given names (or other exact strings, such as the case's contact phone
    and e-mail) replaced by a marker. Matching reads the text normalised
    (full-width digits as ASCII ones); what is not replaced stays as written."""
    if not text:
        return text
    replacement = mask()
    folded = _fold(text)
    exact = {_fold(name).strip() for name in names if name}
    # Exact strings first: a contact phone as the author typed it.
    matchers = [re.compile(re.escape(name)) for name in sorted(
        (name for name in exact if len(name) >= 2), key=len, reverse=True)]
    for pattern in matchers + PATTERNS:
        for match in reversed(list(pattern.finditer(folded))):
            start, end = match.span()
            text = text[:start] + replacement + text[end:]
            folded = folded[:start] + replacement + folded[end:]
    return text
