"""Reads for officials and dispatchers: the inbox and the routing centre."""

import datetime
import operator
import re
from dataclasses import dataclass
from functools import reduce

from django.db import connection, models
from django.db.models import F, FloatField, Func, Q, TextField, Value, When
from django.db.models.lookups import Contains
from django.utils import timezone

from accounts.models import Department, User
from accounts.roles import user_department_ids
from petitions.lifecycle import IN_DEPARTMENT, Status
from petitions.models import Case
from petitions.selectors import case_list_queryset
from petitions.tracking import normalise_tracking_number
from publication.partial import partial_matches
from publication.search import CJK, Term, title_substrings
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


@dataclass(frozen=True)
class InboxSearch:
    cases: object  # a queryset of Case
    partial: bool = False  # no title has every word searched for: these have some


def inbox_for_user(user, filters: InboxFilters = InboxFilters()):
    return inbox_search(user, filters).cases


def inbox_search(user, filters: InboxFilters = InboxFilters()) -> InboxSearch:
    """The cases of the user's departments, with what a case list shows.
    Every filter is served by an index led by lead_department (see
    petitions.Case.Meta.indexes); words in titles by a trigram index on
    PostgreSQL (petitions migration 0010). When no title has every word,
    the best partial matches (publication.partial) come first."""
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
    cases = cases.select_related("category", "region", "lead_department", "assigned_to")
    order = SORTS.get(filters.sort, SORTS["newest"])
    if not filters.query:
        return InboxSearch(cases.order_by(*order))
    number = normalise_tracking_number(filters.query)
    if number:
        return InboxSearch(cases.filter(tracking_number=number).order_by(*order))
    terms = [(part,) for part in title_substrings(filters.query)]
    matcher = title_matcher()
    exact = Q(tracking_number=filters.query.strip())
    if terms:
        exact |= matcher.all_of_any([terms])
    if not terms or cases.filter(exact).exists():
        return InboxSearch(cases.filter(exact).order_by(*order))
    partial = partial_matches(cases, terms, matcher)
    if partial is None:  # no title has any of the words
        return InboxSearch(cases.filter(exact).order_by(*order))
    return InboxSearch(partial.order_by("-score", *order), partial=True)


def title_matcher():
    return PostgresTitleMatcher() if connection.vendor == "postgresql" else TitleMatcher()


class TitleMatcher:
    """Words of a search as substrings of case titles (LIKE)."""

    def term(self, term: Term) -> Q:
        return Q(title__icontains=term[0])

    def all_of_any(self, groups: list[list[Term]]) -> Q:
        return reduce(operator.or_, (reduce(operator.and_, (self.term(term) for term in group)) for group in groups))

    def score(self, term: Term, weight: float):
        return models.Case(When(self.term(term), then=Value(weight)), default=Value(0.0), output_field=FloatField())


CJK_CHARACTER = re.compile(f"([{CJK}])")


class PostgresTitleMatcher(TitleMatcher):
    """The same substrings, in the title as petitions_case_title_search()
    gives it, whose trigram index serves them. It writes each CJK character
    three times: a trigram index needs three characters, and "噪音" is in a
    title exactly when "噪噪噪音音音" is in the tripled one."""

    def term(self, term: Term) -> Q:
        title = Func(F("title"), function="petitions_case_title_search", output_field=TextField())
        return Q(Contains(title, CJK_CHARACTER.sub(r"\1\1\1", term[0])))


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
