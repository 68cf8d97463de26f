"""The demo city's boundaries: its two districts and four streets
(portal/demo.py REGIONS) as GeoJSON areas, simplified outlines drawn for
the demo only, and routing rules that name the street offices' areas.
Run after portal.demo.load_demo; loading it twice changes nothing."""

from django.db import transaction

# code (the region's), Chinese name, English name, kind, parent code, outline (longitude, latitude)
AREAS = [
    ("dongcheng", "东城区", "Dongcheng District", "district", None,
     [(116.385, 39.855), (116.445, 39.855), (116.445, 39.975), (116.385, 39.975)]),
    ("xicheng", "西城区", "Xicheng District", "district", None,
     [(116.325, 39.855), (116.385, 39.855), (116.385, 39.975), (116.325, 39.975)]),
    ("dongcheng-donghuamen", "东华门街道", "Donghuamen Street", "street", "dongcheng",
     [(116.390, 39.900), (116.420, 39.900), (116.420, 39.925), (116.405, 39.926), (116.390, 39.925)]),
    ("dongcheng-jingshan", "景山街道", "Jingshan Street", "street", "dongcheng",
     [(116.390, 39.925), (116.405, 39.926), (116.412, 39.926), (116.412, 39.940), (116.390, 39.940)]),
    ("xicheng-xinjiekou", "新街口街道", "Xinjiekou Street", "street", "xicheng",
     [(116.355, 39.935), (116.380, 39.935), (116.380, 39.955), (116.355, 39.955)]),
    ("xicheng-jinrongjie", "金融街街道", "Jinrongjie Street", "street", "xicheng",
     [(116.350, 39.905), (116.370, 39.905), (116.370, 39.925), (116.350, 39.925)]),
]

# priority, name, category code, area code, lead department code: before
# the region rules, so a pin inside a street office's patch goes to it.
AREA_RULES = [
    (5, "东华门街道辖区（地图）→ 街道办", "urban", "dongcheng-donghuamen", "dongcheng-donghuamen"),
    (6, "新街口街道辖区（地图）→ 街道办", "urban", "xicheng-xinjiekou", "xicheng-xinjiekou"),
]


def _polygon(outline) -> dict:
    ring = [list(point) for point in outline] + [list(outline[0])]
    return {"type": "Polygon", "coordinates": [ring]}


@transaction.atomic
def load_demo_places() -> int:
    """Load the areas and their rules; returns how many areas there are."""
    from accounts.models import Department
    from petitions.models import Category, Region
    from places.models import Area
    from places.services import area_save
    from responses.models import RoutingRule

    areas = {}
    for code, name, name_en, kind, parent, outline in AREAS:
        area = Area.objects.filter(code=code).first() or Area(code=code)
        area.name, area.name_en, area.kind, area.parent = name, name_en, kind, areas.get(parent)
        area.region = Region.objects.filter(code=code).first()
        area.boundary = _polygon(outline)
        areas[code] = area_save(actor=None, area=area, reason="demo")
    for priority, name, category, area, department in AREA_RULES:
        lead = Department.objects.filter(code=department).first()
        if lead is None:
            continue  # the demo city itself is not loaded
        RoutingRule.objects.update_or_create(name=name, defaults={
            "priority": priority, "category": Category.objects.filter(code=category).first(),
            "area": areas[area], "lead_department": lead,
        })
    return len(areas)


@transaction.atomic
def place_demo_cases() -> int:
    """Give the demo's cases filed under a district or street a pin inside
    its area (the same pin on every load), and their public copies the
    rounded point, so the public map, the heat map and the case pages have
    something to show. Cases with a pin already keep it; returns how many
    were placed."""
    import random

    from petitions.models import Case
    from places import geometry
    from places.models import Area
    from places.services import area_for_point, publication_point_set
    from publication.models import Publication

    areas = {area.region_id: area for area in Area.objects.filter(region__isnull=False, is_active=True)}
    cases = list(Case.objects.filter(latitude__isnull=True, region_id__in=list(areas)).order_by("pk"))
    for case in cases:
        area, chance = areas[case.region_id], random.Random(case.tracking_number)
        while True:
            lat = round(chance.uniform(area.south, area.north), 6)
            lon = round(chance.uniform(area.west, area.east), 6)
            if geometry.contains_point(area.boundary, lat, lon):
                break
        # The smallest area holding it: a district's case may fall in one of its streets.
        case.latitude, case.longitude, case.area = lat, lon, area_for_point(lat, lon)
    Case.objects.bulk_update(cases, ["latitude", "longitude", "area"])
    placed = {case.pk: case for case in cases}
    publications = list(Publication.objects.filter(case_id__in=list(placed)))
    for publication in publications:
        publication_point_set(publication, placed[publication.case_id], exact=False)
    Publication.objects.bulk_update(publications, ["exact_location", "latitude", "longitude", "map_cell"])
    return len(cases)
