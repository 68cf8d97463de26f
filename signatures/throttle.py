"""Flood limits on the public forms (signing a petition, submitting a case),
per client address and per e-mail domain.

Counters live in the Django cache, which every web process shares (Redis
with REDIS_URL, the file cache otherwise); the rates are database settings
(PetitionSettings). Over the limit, the visitor gets a 429 page saying when
to try again, with a Retry-After header."""

from dataclasses import dataclass

from django.shortcuts import render
from django_ratelimit.core import get_usage

from portal import addresses
from signatures.models import PetitionSettings
from signatures.normalise import InvalidAddress, email_domain, normalise_email


class Action:
    SIGN = "sign"
    SUBMIT = "submit"


@dataclass(frozen=True)
class Limited:
    scope: str  # "address" or "domain"
    retry_after: int  # seconds


def _over(request, *, group: str, key, rate: str) -> Limited | None:
    usage = get_usage(request, group=group, key=key, rate=rate, increment=True)
    if usage is None or not usage["should_limit"]:
        return None
    return Limited(scope=group.rpartition(".")[2], retry_after=max(1, int(usage["time_left"])))


def domain_of(email: str) -> str | None:
    """The domain the signature is recorded under (googlemail.com is
    gmail.com), so the limit counts what the petition counts."""
    try:
        return email_domain(normalise_email(email or ""))
    except InvalidAddress:
        return None


def check(request, *, action: str, email: str = "", config: PetitionSettings | None = None) -> Limited | None:
    """Count this attempt and say whether it is over a limit. The address is
    counted first; an attempt refused for it does not count against the domain."""
    config = config or PetitionSettings.load()
    limited = _over(request, group=f"signatures.{action}.address", key=addresses.ratelimit_key,
                    rate=getattr(config, f"{action}_rate_per_address"))
    if limited:
        return limited
    domain = domain_of(email)
    if domain and domain not in config.unlimited_domain_set():
        return _over(request, group=f"signatures.{action}.domain", key=lambda _group, _request: domain,
                     rate=getattr(config, f"{action}_rate_per_domain"))
    return None


def too_many_requests(request, limited: Limited):
    minutes = max(1, (limited.retry_after + 59) // 60)
    response = render(request, "signatures/too_many_requests.html",
                      {"limited": limited, "minutes": minutes}, status=429)
    response["Retry-After"] = str(limited.retry_after)
    return response


def client_address(request) -> str | None:
    """The client's address as the rate limits see it (portal.addresses)."""
    return addresses.client_address(request)
