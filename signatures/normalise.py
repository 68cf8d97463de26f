"""One mailbox, one signature: the form of an address that tells mailboxes
apart. Lower case, the domain in IDNA form, "+tag" sub-addresses dropped,
and for Gmail dots dropped and googlemail.com read as gmail.com."""

import unicodedata

GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})


class InvalidAddress(ValueError):
    pass


def normalise_domain(domain: str) -> str:
    domain = unicodedata.normalize("NFKC", domain or "").strip().rstrip(".").lower()
    if not domain:
        raise InvalidAddress(domain)
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise InvalidAddress(domain) from error


def normalise_email(address: str) -> str:
    address = unicodedata.normalize("NFKC", address or "").strip()
    local, at, domain = address.rpartition("@")
    if not at or not local:
        raise InvalidAddress(address)
    domain = normalise_domain(domain)
    local = local.lower().split("+", 1)[0]
    if domain in GMAIL_DOMAINS:
        local, domain = local.replace(".", ""), "gmail.com"
    if not local:
        raise InvalidAddress(address)
    return f"{local}@{domain}"


def email_domain(normalised: str) -> str:
    return normalised.rpartition("@")[2]
