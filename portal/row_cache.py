"""Rows of the busiest lists (the department inbox, page and API), kept once
made: each under a digest of everything the row shows, so a case changed in
any way, by any path, gets a new key at once and is never shown as it was.
An estimate counted from the present is kept for the minute; an unused row
lapses within a minute."""

import hashlib

from django.core.cache import caches
from django.utils.translation import get_language

from supervision.deadlines import row_state

ROW_SECONDS = 60


def shown_digest(*shown) -> str:
    """A key for a fragment made of exactly these values: any change to what
    it shows gives a new key, so a fragment is never shown stale."""
    return hashlib.blake2b(repr((*shown, get_language())).encode(), digest_size=16).hexdigest()


def case_row_key(prefix: str, case, *extra) -> str:
    shown = (case.version, case.tracking_number, case.title, case.status, case.kind, case.urgency,
             case.submitted_at, case.due_at, case.reopened_count, case.category, case.region, case.lead_department,
             case.assigned_to, row_state(case), *extra)
    return f"{prefix}:{case.pk}:{shown_digest(*shown)}"


def cached_rows(cases, *, key, make) -> list:
    """make(case) for each case, unless its row under key(case) is kept."""
    store = caches["fragments"]
    keys = [key(case) for case in cases]
    kept = store.get_many(keys)
    rows, made = [], {}
    for case, name in zip(cases, keys, strict=True):
        if name in kept:
            rows.append(kept[name])
            continue
        row = make(case)
        rows.append(row)
        made[name] = row
    if made:
        store.set_many(made, ROW_SECONDS)
    return rows
