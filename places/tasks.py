"""Keeps the public map's unfiltered counts (what most visitors see) in the
shared cache, so no visitor waits for the whole city to be counted."""

from celery import shared_task


@shared_task
def warm_public_map() -> int:
    """Recount the published cases per base cell over the whole city;
    running it twice only counts twice. Returns how many cells hold cases."""
    from places.selectors import refresh_base_grid

    return len(refresh_base_grid())
