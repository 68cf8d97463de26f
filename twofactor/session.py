"""What the two-factor steps keep in the session: the half-finished login
between the password and the code, and new backup codes until shown.

After a right password, a user with a confirmed device is not logged in:
the session only remembers who they said they were, for a few minutes,
until the verify page gets a right code and calls Django's login()."""

import time

from django.contrib.auth import get_user_model

PENDING_KEY = "twofactor_pending"
# Long enough to open the app and type a code, short enough that a
# forgotten tab does not keep a half-login around.
PENDING_SECONDS = 300


def pending_start(request, user) -> None:
    request.session[PENDING_KEY] = {"user": user.pk, "backend": user.backend, "at": int(time.time())}


def pending_user(request):
    """The user waiting for their code, with `backend` set, or None."""
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return None
    if time.time() - pending.get("at", 0) > PENDING_SECONDS:
        pending_clear(request)
        return None
    user = get_user_model().objects.filter(pk=pending.get("user"), is_active=True).first()
    if user is None:
        pending_clear(request)
        return None
    user.backend = pending["backend"]
    return user


def pending_clear(request) -> None:
    request.session.pop(PENDING_KEY, None)


# New backup codes, between the request that made them and the page that
# shows them (once: reading them removes them). A copy in the session for a
# moment is no worse than the database, which holds them as django-otp does.
NEW_CODES_KEY = "twofactor_new_backup_codes"
NEW_CODES_SECONDS = 600


def new_codes_keep(request, codes: list[str]) -> None:
    request.session[NEW_CODES_KEY] = {"codes": list(codes), "at": int(time.time())}


def new_codes_take(request) -> list[str]:
    """The codes made a moment ago in this session, once; [] afterwards."""
    kept = request.session.pop(NEW_CODES_KEY, None)
    if not kept or time.time() - kept.get("at", 0) > NEW_CODES_SECONDS:
        return []
    return list(kept.get("codes", []))
