"""The public map's box query is index range scans on the grid cells of
published cases (PostgreSQL: checked on its plans, as the inbox's are)."""

import random

import pytest
from django.db import connection
from django.utils import timezone

from petitions.lifecycle import Status
from petitions.models import Case
from places import geometry
from places.conf import city_bounds
from places.selectors import _cells_q
from places.services import public_point
from publication.models import Publication, PublicationState
from publication.search import document_expression
from publication.selectors import PublicFilters, search_public_cases
from tests.factories import CaseFactory, CategoryFactory, RegionFactory

pytestmark = pytest.mark.django_db


def test_a_street_box_is_index_range_scans_of_published_cells(department):
    if connection.vendor != "postgresql":
        pytest.skip("index plans are checked on PostgreSQL")
    category, region, chance, now = CategoryFactory(), RegionFactory(), random.Random(7), timezone.now()
    cases = Case.objects.bulk_create([
        CaseFactory.build(status=Status.ACCEPTED, lead_department=department, wants_public=True, citizen=None,
                          category=category, region=region) for _ in range(2000)])
    publications = []
    for case in cases:
        lat, lon, cell = public_point(chance.uniform(39.6, 40.4), chance.uniform(115.9, 116.9), exact=False)
        publications.append(Publication(case=case, state=PublicationState.PUBLISHED, kind=case.kind,
                                        category=category, region=region, submitted_at=now, published_at=now,
                                        title=case.title, body=case.body, latitude=lat, longitude=lon,
                                        map_cell=cell))
    Publication.objects.bulk_create(publications)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE publication_publication")
    box = geometry.Bounds(south=39.90, west=116.39, north=39.925, east=116.42)
    plan = _plan(search_public_cases(PublicFilters()).filter(_cells_q(box)).order_by()[:501])
    assert "pub_map_cell_idx" in plan, plan
    assert "Seq Scan on publication_publication" not in plan, plan


@pytest.fixture
def published_city(department, other_department):
    """Four thousand published cases over the city, in several categories,
    departments and both public statuses, with the statistics analysed."""
    chance, now = random.Random(11), timezone.now()
    categories = [CategoryFactory() for _ in range(8)]
    region = RegionFactory()
    departments = [department, other_department]
    cases = Case.objects.bulk_create([
        CaseFactory.build(status=Status.ACCEPTED, lead_department=departments[n % 2], wants_public=True,
                          citizen=None, category=categories[n % 8], region=region,
                          title=("路灯不亮" if n % 50 == 0 else f"Case {n}"))
        for n in range(4000)])
    publications = []
    for n, case in enumerate(cases):
        lat, lon, cell = public_point(chance.uniform(39.6, 40.4), chance.uniform(115.9, 116.9), exact=False)
        publications.append(Publication(case=case, state=PublicationState.PUBLISHED, kind=case.kind,
                                        category=case.category, region=region, department=case.lead_department,
                                        public_status=("answered" if n % 3 else "awaiting"),
                                        submitted_at=now, published_at=now, title=case.title, body=case.body,
                                        latitude=lat, longitude=lon, map_cell=cell,
                                        search_document=document_expression(title=case.title, body=case.body,
                                                                            answer="", vendor=connection.vendor)))
    Publication.objects.bulk_create(publications)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE publication_publication")
        cursor.execute("ANALYZE petitions_case")
    return categories, departments


# A street office's patch (about 3 km by 3 km) and the whole city.
STREET = geometry.Bounds(south=39.90, west=116.39, north=39.925, east=116.42)


def _views(categories, departments):
    return {
        "category": PublicFilters(category_id=categories[0].pk),
        "department": PublicFilters(department_id=departments[0].pk),
        "status": PublicFilters(status="awaiting"),
        "category and status": PublicFilters(category_id=categories[1].pk, status="answered"),
        "text": PublicFilters(query="路灯"),
    }


@pytest.mark.parametrize("view", ["category", "department", "status", "category and status", "text"])
def test_a_filtered_street_view_reads_the_grid_index(view, published_city, django_assert_max_num_queries):
    if connection.vendor != "postgresql":
        pytest.skip("index plans are checked on PostgreSQL")
    filters = _views(*published_city)[view]
    queryset = (search_public_cases(filters).filter(_cells_q(STREET))
                .filter(latitude__gte=STREET.south, latitude__lte=STREET.north,
                        longitude__gte=STREET.west, longitude__lte=STREET.east).order_by()[:501])
    plan = _plan(queryset)
    assert "pub_map_cell_idx" in plan, plan
    assert "Seq Scan on publication_publication" not in plan, plan


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        sql, params = queryset.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_city_view_filtered_by_words_is_counted_through_the_search_index(published_city):
    """The whole city puts no condition on the cells (every public point is
    in it), so the filter's own index drives the count. On a few thousand
    rows a category or status filter is rightly one pass over the table;
    bench/maps.py --explain shows their plans on a full database."""
    if connection.vendor != "postgresql":
        pytest.skip("index plans are checked on PostgreSQL")
    from places.selectors import cell_size_for, count_cells_query, snapped

    filters, city = _views(*published_city)["text"], city_bounds()
    size = cell_size_for(city)
    plan = _plan(count_cells_query(filters, snapped(city, size), size))
    assert "pub_search_gin_idx" in plan, plan
    assert "Seq Scan on publication_publication" not in plan, plan
