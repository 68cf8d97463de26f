"""Time the public map's data on the published cases already in the
database (bench/generate.py and bench/publish.py), as a first request finds
it: the shared cache cleared before every call, no HTTP. Views: the whole
city and one street, unfiltered and filtered like the public list
(category, department, status, kind, words). With --explain, prints the
PostgreSQL plan of each filtered view's query (EXPLAIN ANALYZE, BUFFERS).

    DATABASE_URL=postgres://.../wenzheng_bench REDIS_URL=redis://127.0.0.1:6379/7 \\
        .venv/bin/python bench/maps.py --runs 5 --explain

The HTTP figures (warm cache, under load) are bench/web.py's "public map"
runs. Run by hand; prints one line per view (median of the runs)."""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("WENZHENG_BROKER_DIR", os.path.join(os.environ.get("TMPDIR", "/tmp"), "wenzheng-bench-broker"))

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402

# A street office's patch in the demo city's core (about 2.6 km × 2.8 km),
# where bench/publish.py puts most points.
STREET = "116.39,39.90,116.42,39.925"


def views() -> dict:
    """{name: (filters, bounds)}: the busiest category and department, so
    a filter keeps as many cases as it ever does."""
    from django.db.models import Count

    from places.conf import city_bounds
    from places.geometry import parse_bbox
    from publication.models import Publication, PublicationState, PublicStatus
    from publication.selectors import PublicFilters

    published = Publication.objects.filter(state=PublicationState.PUBLISHED, map_cell__isnull=False).order_by()
    busiest = lambda field: (published.values(field).annotate(n=Count("id")).order_by("-n")  # noqa: E731
                             .values_list(field, flat=True).first())
    category, department, kind = busiest("category"), busiest("department"), busiest("kind")
    city, street = city_bounds(), parse_bbox(STREET)
    filtered = {
        "category": PublicFilters(category_id=category),
        "department": PublicFilters(department_id=department),
        "status awaiting": PublicFilters(status=PublicStatus.AWAITING),
        "kind": PublicFilters(kind=kind or ""),
        "category + status answered": PublicFilters(category_id=category, status=PublicStatus.ANSWERED),
        "words 噪音": PublicFilters(query="噪音"),
    }
    found = {"city, unfiltered": (PublicFilters(), city), "street, unfiltered": (PublicFilters(), street)}
    for name, filters in filtered.items():
        found[f"city, {name}"] = (filters, city)
        found[f"street, {name}"] = (filters, street)
    return found


def timed(label: str, action, runs: int) -> None:
    samples, answer = [], None
    for _ in range(runs):
        cache.clear()
        started = time.perf_counter()
        answer = action()
        samples.append(time.perf_counter() - started)
    shape = (f"{len(answer['points'])} points" if "points" in answer else f"{len(answer['cells'])} cells")
    print(f"{label:38} median {statistics.median(samples) * 1000:9.1f} ms  "
          f"(min {min(samples) * 1000:.1f}, max {max(samples) * 1000:.1f})  {shape}")


def explain(label: str, filters, bounds) -> None:
    """The plan of the query the view runs on a cache miss: the points of a
    street, or the grid count of a wider box."""
    from places import selectors
    from places.geometry import cell_ranges
    from publication.selectors import search_public_cases

    if len(cell_ranges(bounds)) <= selectors.DETAIL_MAX_ROWS:
        queryset = (search_public_cases(filters).filter(selectors._cells_q(bounds))
                    .filter(latitude__gte=bounds.south, latitude__lte=bounds.north,
                            longitude__gte=bounds.west, longitude__lte=bounds.east)
                    .order_by().values("case__tracking_number", "title", "latitude", "longitude")
                    [:selectors.MAX_POINTS + 1])
    else:
        size = selectors.cell_size_for(bounds)
        queryset = selectors.count_cells_query(filters, selectors.snapped(bounds, size), size)
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        print(f"--- {label}")
        print("\n".join(row[0] for row in cursor.fetchall()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--explain", action="store_true", help="print each view's PostgreSQL plan")
    parser.add_argument("--only", nargs="+", metavar="WORD", default=[],
                        help="only the views whose names contain one of these words")
    arguments = parser.parse_args()
    from places.selectors import public_map_data
    from publication.models import Publication, PublicationState

    published = Publication.objects.filter(state=PublicationState.PUBLISHED, map_cell__isnull=False).count()
    print(f"{published:,} published cases with a public point; cache cleared before each call")
    for label, (filters, bounds) in views().items():
        if arguments.only and not any(word in label for word in arguments.only):
            continue
        timed(label, lambda filters=filters, bounds=bounds: public_map_data(filters, bounds), arguments.runs)
        if arguments.explain and connection.vendor == "postgresql":
            explain(label, filters, bounds)


if __name__ == "__main__":
    main()
