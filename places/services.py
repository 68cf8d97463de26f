"""Writes about places: checking a case's point, finding its area, an
official's correction of it, saving an area's boundary, and the point the
public is shown."""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from petitions.lifecycle import Status
from places import geometry
from places.conf import city_bounds
from places.models import Area, CaseRelocation
from portal.errors import ActionForbidden, DomainError

SIX_PLACES = Decimal("0.000001")
# A case's place is corrected while someone still works on it.
ENDED = (Status.CLOSED, Status.REJECTED, Status.MERGED, Status.WITHDRAWN)


def checked_point(latitude, longitude) -> tuple[Decimal | None, Decimal | None]:
    """Both or neither, as numbers inside the city (CITY_BOUNDS), to six
    decimal places (about 10 cm). DomainError with a message a citizen can act on."""
    given = [value not in (None, "") for value in (latitude, longitude)]
    if not any(given):
        return None, None
    if not all(given):
        raise DomainError(_("Give both the latitude and the longitude, or neither."))
    try:
        lat, lon = Decimal(str(latitude)), Decimal(str(longitude))
    except (InvalidOperation, ValueError):
        raise DomainError(_("The latitude and longitude must be numbers in degrees.")) from None
    if not (lat.is_finite() and lon.is_finite()):
        raise DomainError(_("The latitude and longitude must be numbers in degrees."))
    if not city_bounds().contains(float(lat), float(lon)):
        raise DomainError(_("That place is outside the city this portal serves. Move the pin inside the city, "
                            "or leave the place empty and describe it in the address."))
    return lat.quantize(SIX_PLACES), lon.quantize(SIX_PLACES)


def area_for_point(latitude, longitude) -> Area | None:
    """The smallest active area holding the point: the boxes holding it
    come from the bounding-box index, then each polygon is checked."""
    if latitude is None or longitude is None:
        return None
    lat, lon = float(latitude), float(longitude)
    candidates = Area.objects.filter(is_active=True, south__lte=lat, north__gte=lat, west__lte=lon, east__gte=lon)
    holding = [area for area in candidates if geometry.contains_point(area.boundary, lat, lon)]
    return min(holding, key=lambda area: (area.box_size, area.pk), default=None)


def area_prepare(area: Area) -> Area:
    """Normalise the boundary (any GeoJSON polygon, multipolygon, feature or
    collection of them) and set the box columns from it; GeometryError if unusable."""
    area.boundary = geometry.normalised_geometry(area.boundary)
    bounds = geometry.bounds_of(area.boundary)
    area.south, area.west, area.north, area.east = bounds.south, bounds.west, bounds.north, bounds.east
    return area


def area_save(*, actor, area: Area, reason: str = "saved") -> Area:
    with transaction.atomic():
        area_prepare(area)
        area._history_user = actor
        area._change_reason = reason
        area.save()
    return area


def can_relocate(user, case) -> bool:
    """Officials working the case and dispatchers correct its place while it is open."""
    from petitions.permissions import can_dispatch, can_handle

    return case.status not in ENDED and (can_handle(user, case) or can_dispatch(user))


def case_relocate(*, actor, case_id: int, latitude, longitude, reason: str, expected_version=None):
    """Put the case's pin where it really is, saying why: the case's history
    keeps the old point and a relocation record the reason. Its area follows;
    its public point too, if it is published."""
    from petitions.models import Case
    from petitions.permissions import log_refusal
    from portal.errors import CaseChanged

    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the place is corrected."))
    lat, lon = checked_point(latitude, longitude)
    if lat is None:
        raise DomainError(_("Choose the corrected place on the map, or type its latitude and longitude."))
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("lead_department").get(pk=case_id)
        if not can_relocate(actor, case):
            log_refusal(actor, case, "relocate")
            raise ActionForbidden(_("Only the officials working on the case, or a dispatcher, can correct its place."))
        if expected_version is not None and case.version != expected_version:
            raise CaseChanged()
        relocation = CaseRelocation.objects.create(
            case=case, moved_by=actor, old_latitude=case.latitude, old_longitude=case.longitude,
            latitude=lat, longitude=lon, reason=reason)
        case.latitude, case.longitude = lat, lon
        case.area = area_for_point(lat, lon)
        case.version += 1
        case._history_user = actor
        case._change_reason = "relocated"
        case.save(update_fields=["latitude", "longitude", "area", "version"])
        publication_point_refresh(case)
    return relocation


# --- the public point -------------------------------------------------------------


def public_point(latitude, longitude, *, exact: bool) -> tuple[Decimal | None, Decimal | None, int | None]:
    """(latitude, longitude, map cell) the public is shown: the point moved
    to the middle of its square of MAP_PUBLIC_PRECISION_METRES, unless exact."""
    if latitude is None or longitude is None:
        return None, None, None
    lat, lon = float(latitude), float(longitude)
    if not exact:
        lat, lon = geometry.rounded(lat, lon, settings.MAP_PUBLIC_PRECISION_METRES)
    return (Decimal(str(lat)).quantize(SIX_PLACES), Decimal(str(lon)).quantize(SIX_PLACES),
            geometry.cell_of(lat, lon))


def publication_point_set(publication, case, *, exact: bool) -> None:
    """Fill a publication's public point from its case (the caller saves it)."""
    publication.exact_location = exact
    publication.latitude, publication.longitude, publication.map_cell = public_point(
        case.latitude, case.longitude, exact=exact)


def publication_point_refresh(case) -> None:
    """After the case's point changed: its public copy follows, as precise as the moderator allowed."""
    from publication.models import Publication

    publication = Publication.objects.select_for_update().filter(case=case).first()
    if publication is None:
        return
    publication_point_set(publication, case, exact=publication.exact_location)
    publication._change_reason = "relocated"
    publication.save(update_fields=["latitude", "longitude", "map_cell"])
