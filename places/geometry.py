"""Plain-Python geometry on WGS-84 degrees: GeoJSON polygons, their bounding
boxes, point-in-polygon, distances, and the map's grid cells. Enough for
street-office boundaries and a city's map without a spatial database."""

import json
import math
from dataclasses import dataclass

EARTH_RADIUS_M = 6_371_008.8

# The fine grid of the public map: cells of CELL_DEGREES on each side,
# numbered row by row so that the cells of one row of a bounding box are one
# range of numbers (an index range scan each).
CELL_DEGREES = 0.001
ROW_STRIDE = 400_000  # more than the 360,000 columns round the globe


class GeometryError(ValueError):
    """A boundary that is not a GeoJSON polygon we can use."""


@dataclass(frozen=True)
class Bounds:
    south: float
    west: float
    north: float
    east: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east

    @property
    def centre(self) -> tuple[float, float]:
        return (self.south + self.north) / 2, (self.west + self.east) / 2


def parse_bbox(raw: str, *, limit: Bounds | None = None) -> Bounds:
    """"west,south,east,north" (the order of GeoJSON's bbox and of
    FixMyStreet's), clipped to `limit` if given. ValueError if malformed."""
    parts = [part.strip() for part in (raw or "").split(",")]
    if len(parts) != 4:
        raise ValueError("bbox needs four numbers: west,south,east,north")
    west, south, east, north = (float(part) for part in parts)
    if not all(math.isfinite(value) for value in (west, south, east, north)):
        raise ValueError("bbox numbers must be finite")
    if not (-90 <= south <= north <= 90 and -180 <= west <= east <= 180):
        raise ValueError("bbox must be west,south,east,north in degrees")
    if limit is not None:
        south, west = max(south, limit.south), max(west, limit.west)
        north, east = min(north, limit.north), min(east, limit.east)
        if south > north or west > east:
            raise ValueError("bbox lies outside the city")
    return Bounds(south=south, west=west, north=north, east=east)


# --- GeoJSON polygons --------------------------------------------------------------


def polygons_of(geometry) -> list[list[list[tuple[float, float]]]]:
    """The polygons of a GeoJSON Polygon, MultiPolygon, Feature or a
    FeatureCollection of them, each a list of rings of (lon, lat)."""
    if isinstance(geometry, str):
        try:
            geometry = json.loads(geometry)
        except json.JSONDecodeError as error:
            raise GeometryError("not JSON") from error
    if not isinstance(geometry, dict):
        raise GeometryError("not a GeoJSON object")
    kind = geometry.get("type")
    if kind == "FeatureCollection":
        return [polygon for feature in geometry.get("features") or [] for polygon in polygons_of(feature)]
    if kind == "Feature":
        return polygons_of(geometry.get("geometry"))
    coordinates = geometry.get("coordinates")
    if kind == "Polygon":
        return [_rings(coordinates)]
    if kind == "MultiPolygon":
        if not isinstance(coordinates, list):
            raise GeometryError("bad coordinates")
        return [_rings(polygon) for polygon in coordinates]
    raise GeometryError("only Polygon and MultiPolygon boundaries are accepted")


def _rings(coordinates) -> list[list[tuple[float, float]]]:
    if not isinstance(coordinates, list) or not coordinates:
        raise GeometryError("a polygon needs at least one ring")
    rings = []
    for ring in coordinates:
        try:
            points = [(float(point[0]), float(point[1])) for point in ring]
        except (TypeError, ValueError, IndexError) as error:
            raise GeometryError("a ring's points must be [longitude, latitude]") from error
        if len(points) < 4:
            raise GeometryError("a ring needs at least four points (the last repeats the first)")
        if any(not (-180 <= lon <= 180 and -90 <= lat <= 90) for lon, lat in points):
            raise GeometryError("coordinates must be longitude, latitude in degrees (WGS-84)")
        rings.append(points)
    return rings


def normalised_geometry(geometry) -> dict:
    """Any accepted GeoJSON as one MultiPolygon geometry."""
    polygons = polygons_of(geometry)
    if not polygons:
        raise GeometryError("no polygon found")
    return {"type": "MultiPolygon",
            "coordinates": [[[list(point) for point in ring] for ring in polygon] for polygon in polygons]}


def bounds_of(geometry) -> Bounds:
    points = [point for polygon in polygons_of(geometry) for point in polygon[0]]
    if not points:
        raise GeometryError("no polygon found")
    lons, lats = [lon for lon, _lat in points], [lat for _lon, lat in points]
    return Bounds(south=min(lats), west=min(lons), north=max(lats), east=max(lons))


def _in_ring(lat: float, lon: float, ring) -> bool:
    # Ray casting: a ray from the point eastwards crosses the ring's edges an odd number of times inside.
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def contains_point(geometry, lat: float, lon: float) -> bool:
    """Inside a polygon's outer ring and outside its holes, for any polygon."""
    for polygon in polygons_of(geometry):
        outer, *holes = polygon
        if _in_ring(lat, lon, outer) and not any(_in_ring(lat, lon, hole) for hole in holes):
            return True
    return False


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def around(lat: float, lon: float, metres: float) -> Bounds:
    """The bounding box of a circle, for prefiltering by index."""
    dlat = metres / 111_320
    dlon = metres / (111_320 * max(math.cos(math.radians(lat)), 0.01))
    return Bounds(south=lat - dlat, west=lon - dlon, north=lat + dlat, east=lon + dlon)


# --- the grid ----------------------------------------------------------------------


def cell_row(lat: float) -> int:
    return int(math.floor((lat + 90) / CELL_DEGREES))


def cell_column(lon: float) -> int:
    return int(math.floor((lon + 180) / CELL_DEGREES))


def cell_of(lat: float, lon: float) -> int:
    return cell_row(lat) * ROW_STRIDE + cell_column(lon)


def cell_ranges(bounds: Bounds) -> list[tuple[int, int]]:
    """The cell numbers covering a bounding box: one (first, last) range per row."""
    first_column, last_column = cell_column(bounds.west), cell_column(bounds.east)
    return [(row * ROW_STRIDE + first_column, row * ROW_STRIDE + last_column)
            for row in range(cell_row(bounds.south), cell_row(bounds.north) + 1)]


def cell_bounds(row: int, column: int, size: int = 1) -> Bounds:
    """The box of a cell of `size` fine cells on each side."""
    south = row * size * CELL_DEGREES - 90
    west = column * size * CELL_DEGREES - 180
    return Bounds(south=round(south, 6), west=round(west, 6),
                  north=round(south + size * CELL_DEGREES, 6), east=round(west + size * CELL_DEGREES, 6))


def rounded(lat: float, lon: float, metres: int) -> tuple[float, float]:
    """A point moved to the centre of its square of about `metres` on a
    side: what the public sees of a place the moderator did not approve."""
    if metres <= 0:
        return lat, lon
    step_lat = metres / 111_320
    centre_lat = (math.floor(lat / step_lat) + 0.5) * step_lat
    # The columns' width from the row's middle, so a row's squares line up.
    step_lon = metres / (111_320 * max(math.cos(math.radians(centre_lat)), 0.01))
    return round(centre_lat, 6), round((math.floor(lon / step_lon) + 0.5) * step_lon, 6)
