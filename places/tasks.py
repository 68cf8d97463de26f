"""Keeps the public map's whole-city view (the same for every visitor) in
the shared cache, so no visitor waits for it to be counted."""

from celery import shared_task


@shared_task
def warm_public_map() -> int:
    """Recount the unfiltered city view's grid cells; running it twice
    only counts twice. Returns how many cells hold cases."""
    from places.conf import city_bounds
    from places.selectors import refresh_public_cells
    from publication.selectors import PublicFilters

    return len(refresh_public_cells(PublicFilters(), city_bounds()))
