"""The public map's box query is index range scans on the grid cells of
published cases (PostgreSQL: checked on its plans, as the inbox's are)."""

import random

import pytest
from django.db import connection
from django.utils import timezone

from petitions.lifecycle import Status
from petitions.models import Case
from places import geometry
from places.selectors import _cells_q
from places.services import public_point
from publication.models import Publication, PublicationState
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


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        sql, params = queryset.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())
