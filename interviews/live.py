"""The live fragment every viewer polls, rendered once per interview,
language and generation and reused from each process's memory. The
generation lives in the shared cache and is renewed by every post, so a new
answer reaches every viewer at their next poll. Viewers are counted
approximately: polls in the last complete window ÷ polls a viewer makes."""

import time

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction

WINDOW_SECONDS = 30


def poll_seconds() -> int:
    return settings.INTERVIEW_POLL_SECONDS


def _generation_key(interview_id: int) -> str:
    return f"interview:{interview_id}:generation"


def _polls_key(interview_id: int, window: int) -> str:
    return f"interview:{interview_id}:polls:{window}"


def forget_live(interview_id: int) -> None:
    # Now, and again once the change commits: a fragment rendered in
    # between read the rows from before the change.
    cache.set(_generation_key(interview_id), time.time_ns(), None)
    transaction.on_commit(lambda: cache.set(_generation_key(interview_id), time.time_ns(), None))


def count_poll_and_read(interview_id: int) -> tuple[int | None, int]:
    """Counts this poll; returns (generation, approximate viewers), with one
    round trip to the shared cache for the reads. The generation is None
    when the cache has none (lost, or no such interview)."""
    window = int(time.time()) // WINDOW_SECONDS
    current = _polls_key(interview_id, window)
    if not cache.add(current, 1, WINDOW_SECONDS * 3):
        try:
            cache.incr(current)
        except ValueError:  # expired between add and incr
            cache.add(current, 1, WINDOW_SECONDS * 3)
    keys = [_generation_key(interview_id), _polls_key(interview_id, window - 1)]
    found = cache.get_many(keys)
    polls = found.get(keys[1]) or 0
    per_viewer = max(WINDOW_SECONDS // poll_seconds(), 1)
    return found.get(keys[0]), -(-polls // per_viewer)


def new_generation(interview_id: int) -> int:
    """For an interview that exists and whose generation the cache lost: a
    new value, never an old one, so nothing rendered before passes for
    current. Never called for ids nobody checked, which would fill the
    shared cache with keys that do not expire."""
    cache.add(_generation_key(interview_id), time.time_ns(), None)
    return cache.get(_generation_key(interview_id))


def rendered(interview_id: int, language: str, generation: int, render):
    """`render()`'s result for this interview, language and generation,
    made at most once per process; None results are not kept."""
    key = f"interview-live:{interview_id}:{language}:{generation}"
    fragments = caches["fragments"]
    value = fragments.get(key)
    if value is None:
        value = render()
        if value is not None:
            fragments.set(key, value, settings.INTERVIEW_FRAGMENT_SECONDS)
    return value
