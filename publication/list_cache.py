"""The public list's results, rendered once per language, filters and page
and reused for up to SECONDS (Django's cache, in each process's memory). A
generation in the shared cache, renewed whenever what the list shows may
have changed (apps.py), is part of every key: a refused or withdrawn case
leaves every process's list at once."""

import hashlib
import time

from django.core.cache import cache, caches
from django.db import transaction

from publication.services import UNPUBLISHABLE

SECONDS = 30
GENERATION_KEY = "public-list:generation"


def list_generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # Lost with the cache (a restart, an eviction): a new value, never an
        # old one, so nothing rendered before can pass for current.
        cache.add(GENERATION_KEY, time.time_ns(), None)
        generation = cache.get(GENERATION_KEY)
    return generation


def forget_public_lists(**_signal_kwargs) -> None:
    # Now, and again once the change commits: a list rendered in between
    # read the rows from before the change.
    cache.set(GENERATION_KEY, time.time_ns(), None)
    transaction.on_commit(lambda: cache.set(GENERATION_KEY, time.time_ns(), None))


def forget_public_lists_if_case_left(sender, instance, created=False, update_fields=None, **kwargs) -> None:
    """A case saved: the public lists change only if its author withdrew
    consent, or if a case wanting publication can no longer be published.
    Reads the saved instance, never the database; a field it did not load
    counts as a possible change. Most saves (a new case, a private case
    moving on) change nothing public and keep the lists."""
    if created:
        return
    if {"wants_public", "status"} & instance.get_deferred_fields():
        forget_public_lists()
        return
    wants_public, status = instance.wants_public, instance.status
    changed = set(update_fields) if update_fields is not None else {"wants_public", "status"}
    if ("wants_public" in changed and not wants_public) or (
            "status" in changed and wants_public and status in UNPUBLISHABLE):
        forget_public_lists()


def rendered(key: str, render) -> str:
    """`render()`'s result for `key` under the current generation, made at
    most once per SECONDS per process."""
    full_key = f"public-list:{list_generation()}:{hashlib.sha256(key.encode()).hexdigest()}"
    return caches["fragments"].get_or_set(full_key, render, SECONDS)
