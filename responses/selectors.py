"""Reads for officials and dispatchers: the inbox and the routing centre."""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from accounts.models import Department, User
from accounts.roles import user_department_ids
from petitions.lifecycle import IN_DEPARTMENT, Status
from petitions.models import Case
from petitions.selectors import case_list_queryset
from petitions.tracking import normalise_tracking_number
from responses.models import CaseAssistance, ReplyTemplate


@dataclass(frozen=True)
class InboxFilters:
    status: str = ""
    kind: str = ""
    category_id: int | None = None
    region_id: int | None = None
    urgency: str = ""
    assigned_to_me: bool = False
    due: str = ""  # "day": due within a day; "overdue"
    query: str = ""
    sort: str = "newest"  # "newest", "oldest", "due"
    assisting: bool = False  # cases the user's departments assist on
    area_id: int | None = None  # places.Area: the case's area or one within it
    bbox: object = None  # places.geometry.Bounds: the case's point inside


SORTS = {
    "newest": ("-submitted_at", "-id"),
    "oldest": ("submitted_at", "id"),
    "due": ("due_at", "id"),
}


def inbox_for_user(user, filters: InboxFilters = InboxFilters()):
    """The cases of the user's departments, with what a case list shows.
    Every filter is served by an index led by lead_department (see
    petitions.Case.Meta.indexes); text search by a trigram index on
    PostgreSQL, for three characters or more."""
    departments = user_department_ids(user)
    cases = Case.objects.all()
    if filters.assisting:
        cases = cases.filter(
            id__in=CaseAssistance.objects.filter(department_id__in=departments).values("case_id")
        )
    else:
        cases = cases.filter(lead_department_id__in=departments)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.kind:
        cases = cases.filter(kind=filters.kind)
    if filters.category_id:
        cases = cases.filter(category_id=filters.category_id)
    if filters.region_id:
        cases = cases.filter(region_id=filters.region_id)
    if filters.urgency:
        cases = cases.filter(urgency=filters.urgency)
    if filters.assigned_to_me:
        cases = cases.filter(assigned_to=user)
    if filters.area_id or filters.bbox is not None:
        from places.selectors import filter_by_place

        cases = filter_by_place(cases, area_id=filters.area_id, bounds=filters.bbox)
    now = timezone.now()
    if filters.due == "day":
        cases = cases.filter(status__in=IN_DEPARTMENT, due_at__gte=now, due_at__lt=now + datetime.timedelta(days=1))
    elif filters.due == "overdue":
        cases = cases.filter(status__in=IN_DEPARTMENT, due_at__lt=now)
    if filters.query:
        number = normalise_tracking_number(filters.query)
        if number:
            cases = cases.filter(tracking_number=number)
        else:
            cases = cases.filter(Q(title__icontains=filters.query) | Q(tracking_number=filters.query.strip()))
    cases = cases.select_related("category", "region", "lead_department", "assigned_to")
    return cases.order_by(*SORTS.get(filters.sort, SORTS["newest"]))


def waiting_for_routing(*, submitted_before):
    """Cases filed before this moment that still wait for routing, by the
    (status, submitted_at) index: none in the usual case."""
    return Case.objects.filter(status=Status.SUBMITTED, submitted_at__lt=submitted_before)


def unrouted_case_ids(*, older_than_seconds: int, limit: int = 500) -> list[int]:
    """Cases still waiting for routing: their message may have been lost."""
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    waiting = waiting_for_routing(submitted_before=cutoff).order_by("submitted_at")
    return list(waiting.values_list("id", flat=True)[:limit])


def routing_centre_queue(*, status: str = ""):
    """Cases no rule could route and cases departments returned, oldest
    first: they have waited longest."""
    waiting = [Status.ROUTING_CENTRE, Status.RETURNED]
    states = [status] if status in waiting else waiting
    return case_list_queryset().filter(status__in=states).order_by("submitted_at", "id")


def dispatchable_departments():
    return Department.objects.filter(is_active=True).select_related("parent").order_by("code")


def colleagues_of_case(case):
    """Officials who may be assigned the case: its lead department's."""
    return User.objects.filter(memberships__department_id=case.lead_department_id, is_active=True).order_by("email")


def reply_templates_for(case):
    return ReplyTemplate.objects.filter(is_active=True).filter(
        Q(category=None) | Q(category_id__in=case.category.ancestor_ids())
    )


def similar_open_cases(case, limit: int = 10, candidates: int = 50):
    """Earlier cases a dispatcher may merge this one into: same category and
    region, not ended; of the newest `candidates`, those sharing the most
    words with this one first (the public search's tokens, compared in
    Python: one query, whatever the number of cases)."""
    from publication.selectors import rank_by_similarity

    recent = (
        case_list_queryset()
        .filter(category_id=case.category_id, region_id=case.region_id, submitted_at__lt=case.submitted_at)
        .exclude(status__in=[Status.MERGED, Status.REJECTED, Status.WITHDRAWN])
        .order_by("-submitted_at")[:candidates]
    )
    return rank_by_similarity(case, recent, limit=limit)
