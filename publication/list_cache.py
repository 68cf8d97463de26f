"""The public list and search, rendered, reused for up to SECONDS.

The results part of /public/cases/ (the rows, the count, the page links)
is the same for every visitor of a URL: it is kept per language, filters
and page, in each web process's memory (the "fragments" cache: keys come
from what visitors type, so never in Redis, see settings).

Freshness. Every rendering is stored with the generation it was made
under; the generation lives in the shared cache and changes whenever what
the list shows may have changed:

- a moderator's decision (a Publication saved or deleted: approved,
  refused, a new answer published);
- a case wanting publication rejected, merged or withdrawn, or its author
  withdrawing consent (the rule in publication.selectors.published_case_q);
- a category, region or department saved or deleted (their names are shown).

So a refused or withdrawn case leaves the list at once, in every process;
anything that changes the data without these signals (a queryset
.update(), SQL by hand) shows within SECONDS at most. The case's own public
page is never cached: it answers 404 as soon as the case is not public."""

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
    values = instance.__dict__
    if "wants_public" not in values or "status" not in values:
        forget_public_lists()
        return
    wants_public, status = values["wants_public"], values["status"]
    changed = set(update_fields) if update_fields is not None else {"wants_public", "status"}
    if ("wants_public" in changed and not wants_public) or (
            "status" in changed and wants_public and status in UNPUBLISHABLE):
        forget_public_lists()


def rendered(key: str, render) -> str:
    """`render()`'s result for `key` under the current generation, made at
    most once per SECONDS per process."""
    generation = list_generation()
    fragments = caches["fragments"]
    full_key = f"public-list:{generation}:{hashlib.sha256(key.encode()).hexdigest()}"
    html = fragments.get(full_key)
    if html is None:
        html = render()
        fragments.set(full_key, html, SECONDS)
    return html
