"""The map's settings as the pages and scripts need them."""

import json

from django.conf import settings

from places.geometry import Bounds


def city_bounds() -> Bounds:
    west, south, east, north = settings.CITY_BOUNDS
    return Bounds(south=south, west=west, north=north, east=east)


def map_config() -> str:
    """What static/js/places-map.js needs, as JSON for a data attribute
    (the content security policy allows no inline script)."""
    bounds = city_bounds()
    return json.dumps({
        "tileUrl": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "subdomains": settings.MAP_TILE_SUBDOMAINS,
        "maxZoom": settings.MAP_TILE_MAX_ZOOM,
        "crs": settings.MAP_TILE_CRS,
        "bounds": [bounds.west, bounds.south, bounds.east, bounds.north],
        "centre": list(bounds.centre),
    })
