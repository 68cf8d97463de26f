"""Reads for the GeoReport endpoints: services, their definitions, and the
public service requests. Each runs a fixed number of queries whatever the
number of rows."""

from django.db.models import Exists, Max, OuterRef, Prefetch, Q, Subquery
from django.utils.translation import gettext as _

from open311.errors import NotFound
from open311.models import AttributeValue, Service, ServiceAttribute, ServiceRequest
from open311.params import MAX_REQUESTS, RequestFilters
from petitions.lifecycle import FINISHED, Status
from petitions.models import Case, Category
from petitions.tracking import normalise_tracking_number
from publication.models import PublicationState
from publication.services import UNPUBLISHABLE

# Open311 knows two states: "open" (reported) and "closed" (resolved). A
# case is closed once its life has ended, for now or for good: replied (the
# citizen may still reopen it, which makes it open again), closed, rejected,
# merged or withdrawn.
CLOSED_STATUSES = frozenset(FINISHED)
OPEN_STATUSES = frozenset(Status.values) - CLOSED_STATUSES


def open311_status(case_status: str) -> str:
    return "closed" if case_status in CLOSED_STATUSES else "open"


# --- services ----------------------------------------------------------------------


def offered_categories():
    """Active categories not withdrawn from Open311, each with its parent
    (the service's group), its Open311 settings and whether it has
    attributes: one query."""
    has_attributes = ServiceAttribute.objects.filter(service__category=OuterRef("pk"))
    return (
        Category.objects.filter(is_active=True)
        .exclude(open311_service__is_offered=False)
        .select_related("parent", "open311_service")
        .annotate(has_attributes=Exists(has_attributes))
        .order_by("code")
    )


def service_settings(category) -> Service:
    """The category's Open311 settings, or the defaults when it has none."""
    try:
        return category.open311_service
    except Service.DoesNotExist:
        return Service(category=category)


def offered_category(code: str):
    """The offered category with this service_code, with its attributes and
    their options (three queries), or NotFound."""
    attributes = ServiceAttribute.objects.order_by("order").prefetch_related(
        Prefetch("values", queryset=AttributeValue.objects.order_by("order", "id"))
    )
    category = (
        Category.objects.filter(is_active=True, code=code)
        .exclude(open311_service__is_offered=False)
        .select_related("open311_service")
        .first()
    )
    if category is None:
        raise NotFound(_("service_code %(code)s was not found.") % {"code": code})
    settings = service_settings(category)
    category.open311_attributes = (
        list(attributes.filter(service=settings)) if settings.pk is not None else []
    )
    return category


# --- service requests -------------------------------------------------------------------


def _public() -> Q:
    """Cases shown publicly: a moderator published them (publication app),
    their author still agrees, and nothing has since made them
    unpublishable (rejected, merged, withdrawn)."""
    return (
        Q(publication__state=PublicationState.PUBLISHED, wants_public=True)
        & ~Q(status__in=UNPUBLISHABLE)
    )


def _visible(api_key=None) -> Q:
    """A client naming its api_key also sees, by id, the cases it sent
    itself: it already holds what they say, and can then show its users how
    their reports stand."""
    visible = _public()
    if api_key is not None:
        visible |= Q(open311__api_key=api_key)
    return visible


def _request_queryset(visible: Q):
    # The time of the case's last recorded change: every service saves the
    # case with a history entry, so the newest entry is its "updated" time
    # (one correlated subquery on the history's indexed case id).
    last_change = (
        Case.history.model.objects.filter(id=OuterRef("pk")).order_by("-history_date").values("history_date")[:1]
    )
    return (
        Case.objects.filter(visible)
        .select_related("category", "category__open311_service", "lead_department", "open311", "publication",
                        "rejection__reason")
        .defer("publication__search_document")
        .annotate(last_change_at=Subquery(last_change))
    )


def public_in_box(bounds) -> Q:
    """The public point (as the public map shows it) inside the box, found
    through the publication's grid cells (places.geometry)."""
    from places.geometry import cell_ranges

    rows = Q()
    for first, last in cell_ranges(bounds):
        rows |= Q(publication__map_cell__gte=first, publication__map_cell__lte=last)
    return rows & Q(publication__latitude__gte=bounds.south, publication__latitude__lte=bounds.north,
                    publication__longitude__gte=bounds.west, publication__longitude__lte=bounds.east)


def service_requests(filters: RequestFilters, *, api_key=None) -> list[Case]:
    """Newest first, at most MAX_REQUESTS: one query.

    By ids (a unique index each), public cases and the key's own. By date,
    public cases only, driven by the publication table's index on (state,
    submitted_at): its submitted_at is the case's, copied at publication."""
    if filters.ids is not None:
        numbers = {normalise_tracking_number(raw) for raw in filters.ids} - {None}
        cases = _request_queryset(_visible(api_key)).filter(tracking_number__in=numbers)
        return list(cases.order_by("-submitted_at", "-id")[:MAX_REQUESTS])
    cases = _request_queryset(_public()).filter(
        publication__submitted_at__gte=filters.start, publication__submitted_at__lte=filters.end
    )
    if filters.service_codes:
        cases = cases.filter(category__code__in=filters.service_codes)
    if filters.bbox is not None:
        cases = cases.filter(public_in_box(filters.bbox))
    wanted = set(filters.statuses or [])
    if wanted == {"open"}:
        cases = cases.filter(status__in=sorted(OPEN_STATUSES))
    elif wanted == {"closed"}:
        cases = cases.filter(status__in=sorted(CLOSED_STATUSES))
    return list(cases.order_by("-publication__submitted_at", "-id")[:MAX_REQUESTS])


def service_request(raw_id: str, *, api_key=None) -> Case:
    number = normalise_tracking_number(raw_id)
    case = _request_queryset(_visible(api_key)).filter(tracking_number=number).first() if number else None
    if case is None:
        raise NotFound(_("service_request_id %(id)s was not found.") % {"id": raw_id})
    return case


def discovery_changeset(baseline):
    """The spec: the changeset changes when the service list or a service
    definition does, so clients know to refresh what they cached."""
    stamps = [
        Service.objects.aggregate(latest=Max("updated_at"))["latest"],
        ServiceAttribute.objects.aggregate(latest=Max("updated_at"))["latest"],
        baseline,
    ]
    return max(stamp for stamp in stamps if stamp is not None)


def request_for_token(token: str) -> ServiceRequest:
    found = ServiceRequest.objects.select_related("case").filter(token=token).first() if token else None
    if found is None:
        raise NotFound(_("token %(token)s was not found.") % {"token": token})
    return found
