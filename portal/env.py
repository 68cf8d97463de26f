"""Typed readers for settings that come from environment variables.

Each helper fails loudly on a value it cannot parse, so a typo in a
deployment stops the process at start-up instead of changing behaviour.
"""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_required(name: str, *, unless: bool = False, default: str = "") -> str:
    """A value production must set: missing or empty stops start-up, unless
    `unless` holds (e.g. DEBUG), when `default` is used instead."""
    raw = os.environ.get(name, "").strip()
    if raw:
        return raw
    if unless:
        return default
    raise ImproperlyConfigured(f"{name} must be set (it has no default outside DEBUG)")


def env_rate(name: str, default: str) -> str:
    """A django-ratelimit rate: how many, per how long (20/h, 5/10m, 100/d)."""
    raw = os.environ.get(name, default).strip()
    count, slash, period = raw.partition("/")
    if not (count.isdigit() and slash and period[-1:] in ("s", "m", "h", "d")
            and (period[:-1] == "" or period[:-1].isdigit())):
        raise ImproperlyConfigured(f"{name} must be a rate such as 20/h or 5/10m, got {raw!r}")
    return raw
