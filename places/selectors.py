"""Reads for maps: published cases in a box (points or grid counts), near
a point, the inbox's place filters, and the supervisors' heat map."""

import hashlib
import math
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import BigIntegerField, Count, ExpressionWrapper, F, FloatField, Q, Value
from django.db.models.functions import Floor, Mod

from places import geometry
from places.conf import city_bounds
from places.geometry import CELL_DEGREES, ROW_STRIDE, Bounds
from places.models import Area

# A box at most this many rows of fine cells tall (about 4.4 km) is shown
# as points; a wider one as counts per grid cell.
DETAIL_MAX_ROWS = 40
MAX_POINTS = 500
# The coarse grid aims at about this many cells across the view.
CELLS_ACROSS = 24
# Multiples of BASE_CELL_SIZE, so an unfiltered view adds up the base grid.
CELL_SIZES = (5, 10, 20, 50, 100, 200, 500)
# Up to this many rows of cells, a box is counted one index range per row.
RANGES_MAX_ROWS = 200
# Grid counts are the same for everyone: kept in the shared cache.
CELLS_CACHE_SECONDS = 300
NEAR_LIMIT = 20


def _cells_q(bounds: Bounds) -> Q:
    condition = Q()
    for first, last in geometry.cell_ranges(bounds):
        condition |= Q(map_cell__gte=first, map_cell__lte=last)
    return condition


def public_points(filters, bounds: Bounds, *, limit: int = MAX_POINTS) -> list[dict]:
    """Published cases whose public point lies in the box: one index range
    scan per row of cells (pub_map_cell_idx)."""
    from publication.selectors import search_public_cases

    rows = (search_public_cases(filters).filter(_cells_q(bounds))
            .filter(latitude__gte=bounds.south, latitude__lte=bounds.north,
                    longitude__gte=bounds.west, longitude__lte=bounds.east)
            # No order: a box holding more than `limit` is shown as counts
            # instead, and an ORDER BY would invite the newest-first index,
            # walking every published case to find a street's few.
            .order_by()
            .values("case__tracking_number", "title", "latitude", "longitude")[:limit])
    return [{"tracking_number": row["case__tracking_number"], "title": row["title"],
             "lat": float(row["latitude"]), "lon": float(row["longitude"])} for row in rows]


def cell_size_for(bounds: Bounds) -> int:
    across = max(bounds.north - bounds.south, bounds.east - bounds.west) / CELL_DEGREES
    wanted = across / CELLS_ACROSS
    return next((size for size in CELL_SIZES if size >= wanted), CELL_SIZES[-1])


def snapped(bounds: Bounds, size: int) -> Bounds:
    """The box grown to whole coarse cells, so nearby views share a cache entry."""
    step = size * CELL_DEGREES
    return Bounds(south=math.floor((bounds.south + 90) / step) * step - 90,
                  west=math.floor((bounds.west + 180) / step) * step - 180,
                  north=math.ceil((bounds.north + 90) / step) * step - 90,
                  east=math.ceil((bounds.east + 180) / step) * step - 180)


def public_cells(filters, bounds: Bounds) -> list[dict]:
    """Published cases counted per coarse grid cell in the box. The same for
    everyone: computed once per filters and snapped box and kept in the
    shared cache for CELLS_CACHE_SECONDS; unfiltered, added up from the
    base grid a beat task keeps counted (places.tasks)."""
    key, box, size = _cells_key(filters, bounds)
    cells = cache.get(key)
    if cells is None:
        base = cache.get(BASE_GRID_KEY) if _unfiltered(filters) and size % BASE_CELL_SIZE == 0 else None
        cells = _from_base_grid(base, box, size) if base is not None else count_cells(filters, box, size)
        cache.set(key, cells, CELLS_CACHE_SECONDS)
    return cells


# The unfiltered map (what most visitors see) counted over the whole city in
# cells of BASE_CELL_SIZE by the beat task; any coarser view of it is added
# up from those counts without asking the database.
BASE_CELL_SIZE = 5
BASE_GRID_KEY = "map-cells:base-grid"


def _unfiltered(filters) -> bool:
    from publication.selectors import PublicFilters

    return filters == PublicFilters()


def refresh_base_grid() -> dict:
    """Count the published cases of the whole city per base cell and keep
    {(row, column): count} in the shared cache (places.tasks)."""
    from publication.selectors import PublicFilters

    box = snapped(city_bounds(), BASE_CELL_SIZE)
    grid = {}
    for cell in count_cells(PublicFilters(), box, BASE_CELL_SIZE):
        row = geometry.cell_row(cell["south"] + CELL_DEGREES / 2) // BASE_CELL_SIZE
        column = geometry.cell_column(cell["west"] + CELL_DEGREES / 2) // BASE_CELL_SIZE
        grid[(row, column)] = cell["count"]
    cache.set(BASE_GRID_KEY, grid, CELLS_CACHE_SECONDS * 2)
    return grid


def _from_base_grid(grid: dict, box: Bounds, size: int) -> list[dict]:
    factor = size // BASE_CELL_SIZE
    first_row, last_row = geometry.cell_row(box.south) // BASE_CELL_SIZE, geometry.cell_row(box.north) // BASE_CELL_SIZE
    first_column = geometry.cell_column(box.west) // BASE_CELL_SIZE
    last_column = geometry.cell_column(box.east) // BASE_CELL_SIZE
    counts: dict[tuple[int, int], int] = {}
    for (row, column), count in grid.items():
        if first_row <= row <= last_row and first_column <= column <= last_column:
            key = (row // factor, column // factor)
            counts[key] = counts.get(key, 0) + count
    cells = []
    for (row, column), count in counts.items():
        bounds = geometry.cell_bounds(row, column, size)
        cells.append({"south": bounds.south, "west": bounds.west, "north": bounds.north, "east": bounds.east,
                      "count": count})
    return sorted(cells, key=lambda cell: (cell["south"], cell["west"]))


def _cells_key(filters, bounds: Bounds) -> tuple[str, Bounds, int]:
    size = cell_size_for(bounds)
    box = snapped(bounds, size)
    return "map-cells:" + hashlib.sha256(f"{filters!r}:{box!r}:{size}".encode()).hexdigest(), box, size


def count_cells(filters, box: Bounds, size: int) -> list[dict]:
    cells = []
    for item in count_cells_query(filters, box, size):
        bounds = geometry.cell_bounds(int(item["cell_row"]), int(item["cell_column"]), size)
        cells.append({"south": bounds.south, "west": bounds.west, "north": bounds.north, "east": bounds.east,
                      "count": item["count"]})
    return sorted(cells, key=lambda cell: (cell["south"], cell["west"]))


def count_cells_query(filters, box: Bounds, size: int):
    """The published cases the filters keep in the box, grouped per cell
    of `size`: {cell_row, cell_column, count} rows."""
    from publication.selectors import search_public_cases

    first_row, last_row = geometry.cell_row(box.south), geometry.cell_row(box.north)
    first_column, last_column = geometry.cell_column(box.west), geometry.cell_column(box.east)
    # Floor: integer division on PostgreSQL, but SQLite's MOD answers a float.
    row = Floor(ExpressionWrapper(F("map_cell") / ROW_STRIDE / size, output_field=BigIntegerField()))
    column = Floor(ExpressionWrapper(Mod("map_cell", ROW_STRIDE) / size, output_field=FloatField()))
    cases = search_public_cases(filters).order_by()
    city = snapped(city_bounds(), size)
    if box.south <= city.south and box.west <= city.west and box.north >= city.north and box.east >= city.east:
        # The whole city: every public point lies in it (validated on
        # input), so no test on the cells; a filter's own index drives the
        # count, and the planner's estimate is not thrown off by the column test.
        cases = cases.filter(map_cell__isnull=False)
    elif last_row - first_row < RANGES_MAX_ROWS:
        # One index range per row of cells: only the box's cases are read.
        cases = cases.filter(_cells_q(box))
    else:
        # A wide box: one range over its rows' cells, the columns checked on each.
        cases = (cases.filter(map_cell__gte=first_row * ROW_STRIDE + first_column,
                              map_cell__lte=last_row * ROW_STRIDE + last_column)
                 .annotate(column_in_row=Mod("map_cell", ROW_STRIDE))
                 .filter(column_in_row__gte=first_column, column_in_row__lte=last_column))
    return (cases.annotate(cell_row=row, cell_column=column)
            .values("cell_row", "cell_column").annotate(count=Count("id")))


def public_map_data(filters, bounds: Bounds) -> dict:
    """Points for a street-sized box, grid counts for a wider one (or when
    a small box holds more than MAX_POINTS)."""
    if len(geometry.cell_ranges(bounds)) <= DETAIL_MAX_ROWS and not _known_crowded(filters, bounds):
        points = public_points(filters, bounds, limit=MAX_POINTS + 1)
        if len(points) <= MAX_POINTS:
            return {"points": points}
    cells = public_cells(filters, bounds)
    return {"cells": cells, "max": max((cell["count"] for cell in cells), default=0)}


def _known_crowded(filters, bounds: Bounds) -> bool:
    """Whether the box's counts, already cached, show more than MAX_POINTS
    in cells lying wholly inside it: then its points need not be read
    again to learn that counts are what it shows."""
    cells = cache.get(_cells_key(filters, bounds)[0])
    if cells is None:
        return False
    inside = sum(cell["count"] for cell in cells
                 if bounds.south <= cell["south"] and cell["north"] <= bounds.north
                 and bounds.west <= cell["west"] and cell["east"] <= bounds.east)
    return inside > MAX_POINTS


@dataclass(frozen=True)
class Near:
    publication: object
    metres: int


def public_cases_near(filters, lat: float, lon: float, *, metres: int, limit: int = NEAR_LIMIT) -> list[Near]:
    """Published cases whose public point is within `metres`, nearest first."""
    from publication.selectors import search_public_cases

    box = geometry.around(lat, lon, metres)
    candidates = (search_public_cases(filters).filter(_cells_q(box))
                  .filter(latitude__gte=box.south, latitude__lte=box.north,
                          longitude__gte=box.west, longitude__lte=box.east)
                  .order_by()[:MAX_POINTS])
    found = []
    for publication in candidates:
        distance = geometry.distance_m(lat, lon, float(publication.latitude), float(publication.longitude))
        if distance <= metres:
            found.append(Near(publication, round(distance)))
    found.sort(key=lambda near: near.metres)
    return found[:limit]


def nearby_open_similar(text: str, lat: float, lon: float, *, category_id=None, limit: int = 3) -> list[Near]:
    """For a draft: published cases still awaiting an answer within
    MAP_NEAR_METRES of its pin, about the same thing (the same category or
    words in common), nearest first."""
    from publication.models import PublicStatus
    from publication.search import document_tokens, similarity_tokens
    from publication.selectors import PublicFilters

    wanted = set(similarity_tokens(text))
    near = public_cases_near(PublicFilters(status=PublicStatus.AWAITING), lat, lon,
                             metres=settings.MAP_NEAR_METRES, limit=NEAR_LIMIT)
    same = [item for item in near
            if (category_id and item.publication.category_id == category_id)
            or wanted & set(document_tokens(f"{item.publication.title} {item.publication.body}"))]
    return same[:limit]


# --- officials ---------------------------------------------------------------------------


def active_areas():
    return Area.objects.filter(is_active=True).only("id", "code", "name", "name_en", "parent_id", "kind")


def area_subtree_ids(area_id: int) -> list[int]:
    """The area and those within it (districts hold streets: two levels below at most)."""
    return list(Area.objects.filter(Q(pk=area_id) | Q(parent_id=area_id) | Q(parent__parent_id=area_id))
                .values_list("pk", flat=True))


def filter_by_place(cases, *, area_id=None, bounds: Bounds | None = None):
    """The inbox's place filters: an area (the case's area or one within it),
    or a box (its point inside). Each served by an index led by the department."""
    if area_id:
        cases = cases.filter(area_id__in=area_subtree_ids(area_id))
    if bounds is not None:
        cases = cases.filter(latitude__gte=bounds.south, latitude__lte=bounds.north,
                             longitude__gte=bounds.west, longitude__lte=bounds.east)
    return cases


# --- supervisors' heat map ------------------------------------------------------------------

HEAT_CELL_SIZE = 5  # fine cells: about 550 m
HEAT_MAX_CELLS = 2000


def heat_cells(scope, *, size: int = HEAT_CELL_SIZE) -> list[dict]:
    """Cases with a point filed in the scope's period (and department,
    category, region), counted per grid cell and category: the database
    groups, the page draws the cells."""
    from petitions.models import Case, Category

    cases = Case.objects.filter(submitted_at__gte=scope.start, submitted_at__lt=scope.end, latitude__isnull=False)
    if scope.department_id:
        cases = cases.filter(lead_department_id=scope.department_id)
    if scope.category_id:
        cases = cases.filter(Q(category_id=scope.category_id) | Q(category__parent_id=scope.category_id))
    if scope.region_id:
        cases = cases.filter(Q(region_id=scope.region_id) | Q(region__parent_id=scope.region_id)
                             | Q(region__parent__parent_id=scope.region_id))
    step = Value(Decimal(str(size * CELL_DEGREES)))
    grouped = (cases.order_by()
               .annotate(cell_row=Floor((F("latitude") + 90) / step), cell_column=Floor((F("longitude") + 180) / step))
               .values("cell_row", "cell_column", "category_id").annotate(count=Count("id"))
               .order_by("-count")[:HEAT_MAX_CELLS])
    categories = {category.pk: category.display_name for category in Category.objects.all()}
    by_cell: dict[tuple[int, int], dict] = {}
    for item in grouped:
        key = (int(item["cell_row"]), int(item["cell_column"]))
        cell = by_cell.get(key)
        if cell is None:
            bounds = geometry.cell_bounds(*key, size)
            cell = by_cell[key] = {"south": bounds.south, "west": bounds.west, "north": bounds.north,
                                   "east": bounds.east, "count": 0, "categories": {}}
        cell["count"] += item["count"]
        name = categories.get(item["category_id"], "—")
        cell["categories"][name] = cell["categories"].get(name, 0) + item["count"]
    cells = sorted(by_cell.values(), key=lambda cell: -cell["count"])
    for cell in cells:
        parts = sorted(cell["categories"].items(), key=lambda pair: -pair[1])
        cell["categories"] = [{"category": name, "count": count} for name, count in parts]
        cell["label"] = f"{cell['count']}: " + ", ".join(f"{name} {count}" for name, count in parts[:3])
    return cells


def city_box() -> Bounds:
    return city_bounds()


# --- the areas as a filter's options (shared cache, dropped when an area is saved) ----------

AREA_CHOICES_KEY = "places:area-options:v1"
AREA_CHOICES_SECONDS = 300


def area_options() -> tuple[int, list[tuple[int, str, str, int | None]]]:
    """(stamp, [(id, name, English name, parent id)]) of the active areas."""
    import time

    options = cache.get(AREA_CHOICES_KEY)
    if options is None:
        rows = list(Area.objects.filter(is_active=True).order_by("code")
                    .values_list("id", "name", "name_en", "parent_id"))
        options = (time.time_ns(), rows)
        cache.set(AREA_CHOICES_KEY, options, AREA_CHOICES_SECONDS)
    return options


def area_choices(empty_label) -> list[tuple]:
    from django.utils.translation import get_language

    english = (get_language() or "").startswith("en")
    _stamp, rows = area_options()
    names = {pk: (name_en if english and name_en else name) for pk, name, name_en, _parent in rows}
    parents = {pk: parent for pk, _name, _name_en, parent in rows}
    return [("", empty_label)] + [
        (pk, f"{names[parents[pk]]} / {names[pk]}" if parents.get(pk) in names else names[pk])
        for pk, *_rest in rows
    ]


def forget_area_options(**_kwargs) -> None:
    cache.delete(AREA_CHOICES_KEY)
