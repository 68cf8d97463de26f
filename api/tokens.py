"""Making and checking API tokens. A token is 256 random bits, so one
round of SHA-256 is enough to keep it unusable if the table leaks (a slow
password hash guards guessable secrets; these are not guessable)."""

import hashlib
import secrets

TOKEN_PREFIX = "wz_"
SHOWN_PREFIX_LENGTH = 10


def new_token_key() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
