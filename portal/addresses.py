"""The client's address, as the rate limits and stored records see it.

Behind a reverse proxy the address is in the header RATELIMIT_IP_META_KEY
names (X-Forwarded-For, say). That header may be missing (a request that did
not come through the proxy) or hold a list ("spoofed, client"): neither must
turn a page into an error. The proxy appends the address it saw, so the last
entry is the one to trust; anything earlier the client could have typed."""

import ipaddress

from django.conf import settings


def _valid(value: str) -> str | None:
    """The address in its one written form, or None. An IPv4 client seen
    through a dual-stack socket (::ffff:a.b.c.d) is its IPv4 address, not
    one of a single IPv6 network; a zone (fe80::1%eth0) is no client's."""
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if address.version == 6:
        if address.scope_id is not None:
            return None
        address = address.ipv4_mapped or address
    return str(address)


def client_address(request) -> str | None:
    """The client's address, or None if neither the proxy's header nor the
    socket gives a valid one."""
    key = getattr(settings, "RATELIMIT_IP_META_KEY", None)
    if isinstance(key, str) and key:
        address = _valid(request.META.get(key, "").rsplit(",", 1)[-1])
        if address:
            return address
    return _valid(request.META.get("REMOTE_ADDR", "") or "")


def client_network(request) -> str | None:
    """Who counts as one client for every limit (the pages' and the API's
    rate limits, the login lockout): the client's address, IPv6 ones by
    their network (RATELIMIT_IPV6_MASK, as django-ratelimit's own "ip" key),
    since one host is given a whole /64 to pick addresses from."""
    address = client_address(request)
    if address is None:
        return None
    if ":" in address:
        mask = getattr(settings, "RATELIMIT_IPV6_MASK", 64)
    else:
        mask = getattr(settings, "RATELIMIT_IPV4_MASK", 32)
    return str(ipaddress.ip_network(f"{address}/{mask}", strict=False).network_address)


def ratelimit_key(group, request) -> str:
    """A django-ratelimit key (key=ratelimit_key) for "per address".
    Requests without any address share one counter rather than failing."""
    return client_network(request) or "unknown"
