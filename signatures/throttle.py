"""Flood limits on the public forms (signing a petition, submitting a case),
per client address and per e-mail domain, counted in the shared cache at
the rates PetitionSettings holds. Over a limit: a 429 page saying when to
try again, with Retry-After."""

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
    return check_rates(request, group=f"signatures.{action}", email=email,
                       address_rate=getattr(config, f"{action}_rate_per_address"),
                       domain_rate=getattr(config, f"{action}_rate_per_domain"),
                       unlimited_domains=config.unlimited_domain_set())


def check_rates(request, *, group: str, address_rate: str, domain_rate: str, email: str = "",
                unlimited_domains=frozenset()) -> Limited | None:
    """The limits of `check` at other rates, for other public forms (a
    consultation's comments): counted under `group` in the same shared cache."""
    limited = _over(request, group=f"{group}.address", key=addresses.ratelimit_key, rate=address_rate)
    if limited:
        return limited
    domain = domain_of(email)
    if domain and domain not in unlimited_domains:
        return _over(request, group=f"{group}.domain", key=lambda _group, _request: domain, rate=domain_rate)
    return None


def too_many_requests(request, limited: Limited, *, template: str = "signatures/too_many_requests.html"):
    minutes = max(1, (limited.retry_after + 59) // 60)
    response = render(request, template,
                      {"limited": limited, "minutes": minutes}, status=429)
    response["Retry-After"] = str(limited.retry_after)
    return response


def client_address(request) -> str | None:
    """The client's address as the rate limits see it (portal.addresses)."""
    return addresses.client_address(request)
