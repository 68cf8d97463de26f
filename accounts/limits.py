"""Rate limits on the account forms that send e-mail (registration, password
reset, a new confirmation link): per client address, and per e-mail
address across all of them, so no one can fill a stranger's mailbox.

Counted by django-ratelimit in the default cache, which every web process
shares (Redis with REDIS_URL). Over a limit the visitor gets a 429 page in
their language with Retry-After; the answer is the same whether or not the
address has an account."""

from dataclasses import dataclass

from django.conf import settings
from django.shortcuts import render
from django_ratelimit.core import get_usage

from portal import addresses


@dataclass(frozen=True)
class Limited:
    retry_after: int  # seconds


def _over(request, *, group: str, key, rate: str) -> Limited | None:
    usage = get_usage(request, group=group, key=key, rate=rate, increment=True)
    if usage is None or not usage["should_limit"]:
        return None
    return Limited(retry_after=max(1, int(usage["time_left"])))


def client_over_limit(request, *, action: str) -> Limited | None:
    """Count one more attempt at `action` from this client."""
    return _over(request, group=f"accounts.{action}.client", key=addresses.ratelimit_key,
                 rate=settings.ACCOUNT_MAIL_RATE_PER_CLIENT)


def address_over_limit(request, *, email: str) -> Limited | None:
    """Count one more e-mail asked for `email`, whichever form asked."""
    normalised = (email or "").strip().lower()
    return _over(request, group="accounts.mail.address", key=lambda _group, _request: normalised,
                 rate=settings.ACCOUNT_MAIL_RATE_PER_ADDRESS)


def too_many_attempts(request, limited: Limited):
    minutes = max(1, (limited.retry_after + 59) // 60)
    response = render(request, "accounts/too_many_attempts.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(limited.retry_after)
    return response


def code_client_over_limit(request) -> Limited | None:
    """Count one more texted code asked for by this client (any number)."""
    return _over(request, group="accounts.sms.client", key=addresses.ratelimit_key,
                 rate=settings.SMS_CODE_RATE_PER_CLIENT)


def code_number_over_limit(request, *, phone: str) -> Limited | None:
    """Count one more code texted to `phone` (E.164), whichever form or
    program asked: no one can fill a stranger's phone with texts."""
    return _over(request, group="accounts.sms.number", key=lambda _group, _request: phone,
                 rate=settings.SMS_CODE_RATE_PER_NUMBER)


def code_over_limit(request, *, phone: str) -> Limited | None:
    return code_client_over_limit(request) or code_number_over_limit(request, phone=phone)
