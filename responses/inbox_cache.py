"""The inbox page and the inbox API, rendered, reused until a case of the
department changes.

Officials keep their inbox open and reload it; at city scale a department
gets a new case every few seconds at most, so most loads would render the
same rows again. Each rendering is kept in the web process's memory (the
"inbox" cache: keys come from what officials type, so never in Redis, see
settings) for at most SECONDS, under a key made of:

- who asks and what the page shows of them: the user, their name, roles and
  departments, unread notifications, language and time zone (the page's
  header); the full URL (filters, page, host);
- a generation per department of the user, and one for names shown beside
  cases (categories, regions, departments, assignees), kept in the shared
  cache; a missing generation gets a new value, never an old one.

A generation changes, now and again when the change commits (a page
rendered in between read the rows from before the change), whenever:

- a case is saved or deleted (`Case` post_save/post_delete): its lead
  department when it was loaded and now, so a case moved away leaves the
  old inbox at once;
- cases are routed in a batch (`responses.services`, one update for many
  cases, no signal): their departments;
- a category, region or department is saved or deleted, or a user's name
  or e-mail changes: every inbox.

What changes without these (a queryset .update(), SQL by hand, a case
falling due while nothing is saved, the shared cache unreachable when a
change commits) shows within SECONDS at most. Requests with flash
messages to show, and the "assisting" view (its cases belong to other
departments), are never cached. Permission checks run before the cache
is asked: it only skips the reading and rendering.

The form token (CSRF) differs per browser: the stored page has a stand-in,
replaced on every answer by a token of the asker's own."""

import hashlib
import logging
import re
import secrets

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache, caches
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation

from accounts.roles import user_department_ids, user_roles
from notifications.selectors import unread_count_in_header

logger = logging.getLogger(__name__)

NAMES_KEY = "inbox:names"
CSRF_FIELD = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_STAND_IN = "\x00csrf\x00"


def seconds() -> int:
    return settings.INBOX_CACHE_SECONDS


def _department_key(department_id: int) -> str:
    return f"inbox:department:{department_id}"


def _new_generation() -> str:
    return secrets.token_hex(8)


def _renew(keys: list[str]) -> None:
    # Even where pages are not kept (a worker may run with 0): the web processes keep them.
    try:
        cache.set_many({key: _new_generation() for key in keys}, None)
    except Exception:  # the shared cache down: pages expire within seconds()
        logger.warning("inbox generations not renewed: the shared cache failed", exc_info=True)


def _renew_now_and_on_commit(keys: list[str]) -> None:
    if not keys:  # a new case not yet routed: no inbox shows it
        return
    _renew(keys)
    transaction.on_commit(lambda: _renew(keys))


def departments_changed(department_ids) -> None:
    """What the inboxes of these departments show has changed (or will, when
    the current transaction commits)."""
    _renew_now_and_on_commit(sorted({_department_key(pk) for pk in department_ids if pk is not None}))


def names_changed(**_signal_kwargs) -> None:
    """A name shown beside cases changed: every inbox."""
    _renew_now_and_on_commit([NAMES_KEY])


def case_saved(sender, instance, created=False, **kwargs) -> None:
    """A case saved or deleted: the departments it was read in and is in
    now. Where either is unknown (a field not read, a case made in memory
    with an id), every inbox."""
    values = instance.__dict__
    if "lead_department_id" not in values or not (created or hasattr(instance, "loaded_lead_department_id")):
        names_changed()
        return
    departments_changed({values["lead_department_id"], getattr(instance, "loaded_lead_department_id", None)})
    # Saved again after moving once more: the department of this save is the one to renew.
    instance.loaded_lead_department_id = values["lead_department_id"]


def user_saved(sender, instance, created=False, update_fields=None, **kwargs) -> None:
    """An assignee's name is shown in the inbox; a login (last_login only)
    or a new account changes none."""
    if created or (update_fields is not None and not {"full_name", "email"} & set(update_fields)):
        return
    names_changed()


def _generations(department_ids: frozenset[int]) -> tuple | None:
    keys = [NAMES_KEY, *(_department_key(pk) for pk in sorted(department_ids))]
    try:
        found = cache.get_many(keys)
        missing = [key for key in keys if key not in found]
        for key in missing:
            # Lost with the cache (a restart): a new value, never an old one.
            cache.add(key, _new_generation(), None)
        if missing:
            found.update(cache.get_many(missing))
        return tuple(found.get(key) for key in keys)
    except Exception:  # the shared cache down: render every time
        logger.warning("inbox generations not read: the shared cache failed", exc_info=True)
        return None


def _key(request, kind: str, extra: tuple) -> str | None:
    """None where nothing is kept: the "assisting" view (its cases belong to
    other departments, whose changes renew no generation of the user's),
    or the shared cache unreachable."""
    if request.GET.get("assisting"):
        return None
    user = request.user
    departments = user_department_ids(user)
    generations = _generations(departments)
    if generations is None or None in generations:
        return None
    parts = (kind, user.pk, sorted(departments), generations, translation.get_language(),
             timezone.get_current_timezone_name(), request.build_absolute_uri(), *extra)
    return f"inbox:{kind}:{hashlib.sha256(repr(parts).encode()).hexdigest()}"


def _store():
    return caches["inbox"]


def cached_page(request, render):
    """`render()`'s HttpResponse, or the one stored for the same page under
    the current generations."""
    if not seconds() or len(get_messages(request)):
        return render()
    user = request.user
    # The header: the user's name, links by role, the unread count.
    header = (str(user), user.is_staff, user.is_superuser, sorted(user_roles(user)), unread_count_in_header(request))
    key = _key(request, "page", header)
    if key is None:
        return render()
    stored = _store().get(key)
    if stored is not None:
        content_type, html = stored
        return HttpResponse(html.replace(CSRF_STAND_IN, get_token(request)), content_type=content_type)
    response = render()
    if response.status_code == 200 and not response.cookies:
        html = CSRF_FIELD.sub(rf"\g<1>{CSRF_STAND_IN}\g<2>", response.content.decode(response.charset))
        _store().set(key, (response["Content-Type"], html), seconds())
    return response


def stored_api_answer(request, extra: tuple = ()) -> tuple[str | None, HttpResponse | None]:
    """The key for an API answer and the answer stored under it, if any."""
    if not seconds():
        return None, None
    key = _key(request, "api", extra)
    stored = _store().get(key) if key is not None else None
    if stored is None:
        return key, None
    content_type, content = stored
    return key, HttpResponse(content, content_type=content_type)


def store_api_answer(key: str | None, response) -> None:
    """Keep a rendered API answer (200 only) under `key`."""
    if key is not None and response.status_code == 200:
        _store().set(key, (response["Content-Type"], response.content), seconds())
