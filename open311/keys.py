"""API keys: made from the OS's secure generator, stored as their SHA-256,
found again by hashing what a client sends."""

import hashlib
import secrets

from open311.models import ApiKey


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def api_key_create(*, name: str, user, region, cases_public: bool = False) -> tuple[ApiKey, str]:
    """Returns the key row and the key itself, which is not stored and so
    can be shown only now."""
    raw = new_secret()
    key = ApiKey(name=name, user=user, region=region, cases_public=cases_public)
    api_key_set_secret(key, raw)
    key.save()
    return key, raw


def api_key_set_secret(key: ApiKey, raw: str) -> None:
    key.prefix = raw[:8]
    key.key_hash = hash_key(raw)


def new_secret() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


def active_key(raw: str) -> ApiKey | None:
    """The active key matching `raw`, with its account and region, or None."""
    if not raw or len(raw) > 200:
        return None
    return (
        ApiKey.objects.select_related("user", "region")
        .filter(key_hash=hash_key(raw), is_active=True, user__is_active=True)
        .first()
    )
