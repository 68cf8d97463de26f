"""Writes of the API app: creating and revoking tokens. Same order as every
service: check, lock, change, record."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ApiToken
from api.tokens import SHOWN_PREFIX_LENGTH, hash_token_key, new_token_key
from portal.errors import ActionForbidden, DomainError

# last_used_at is written at most this often per token, so a busy program
# does not turn every read into a write.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def token_create(*, actor, user, name: str) -> tuple[ApiToken, str]:
    """A person makes a token for themselves; an administrator may make one
    for any account (a system account for a program). Returns the token and
    its key, which is never shown again."""
    if actor.pk != user.pk and not actor.is_superuser:
        raise ActionForbidden(_("You can only create tokens for your own account."))
    if not user.is_active:
        raise DomainError(_("This account is not active."))
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the token a name, so you know later what it is for."))
    key = new_token_key()
    token = ApiToken.objects.create(user=user, name=name[:100], prefix=key[:SHOWN_PREFIX_LENGTH],
                                    key_hash=hash_token_key(key), created_by=actor)
    return token, key


def token_revoke(*, actor, token_id: int) -> ApiToken:
    """Revoking is final; revoking twice changes nothing."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token_id)
        if token.user_id != actor.pk and not actor.is_superuser:
            raise ActionForbidden(_("You can only revoke your own tokens."))
        if not token.revoked:
            token.revoked, token.revoked_at = True, timezone.now()
            token.save(update_fields=["revoked", "revoked_at"])
        return token


def tokens_revoke_all(*, user) -> int:
    """Revoke every token of the account (its password was reset: whoever
    held it before keeps no way in). Returns how many were live."""
    return ApiToken.objects.filter(user=user, revoked=False).update(revoked=True, revoked_at=timezone.now())


def token_mark_used(token: ApiToken, *, now=None) -> None:
    """Record that the token was used, at most once a minute (a conditional
    update: two requests at once write it once)."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk, last_used_at=token.last_used_at).update(last_used_at=now)
    token.last_used_at = now
