"""Reads for the public side: published cases with their filters and search,
similar cases for a draft, the moderation queue, departments' scorecards."""

import datetime
import operator
from dataclasses import dataclass
from functools import reduce

from django.db import connection
from django.db.models import Case, Exists, F, FloatField, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan, LessThan
from django.http import Http404
from django.utils import timezone

from accounts.models import Department
from petitions.models import Case as CaseModel
from petitions.models import Category, Region
from petitions.tracking import normalise_tracking_number
from publication.models import Publication, PublicationState, PublicStatus
from publication.partial import partial_matches
from publication.search import (
    Term,
    TsRank,
    document_tokens,
    query_terms,
    similarity_tokens,
    tsquery_literal,
)
from publication.services import UNPUBLISHABLE
from responses.models import Reply, ReplyState
from supervision.metrics import Scope, rates_by


@dataclass(frozen=True)
class PublicFilters:
    query: str = ""
    category_id: int | None = None
    region_id: int | None = None
    department_id: int | None = None
    kind: str = ""
    status: str = ""


def published_case_q(case: str = "case__", publication: str = "") -> Q:
    """The publication rule as a filter: the publication is published, the
    case's author still agrees, and the case was not rejected, merged or
    withdrawn. `case` and `publication` are the paths to them from the model
    queried (from a Publication: the defaults; from a petition: "case__" and
    "case__publication__")."""
    return (Q(**{f"{publication}state": PublicationState.PUBLISHED, f"{case}wants_public": True})
            & ~Q(**{f"{case}status__in": UNPUBLISHABLE}))


def public_cases():
    """Every published case whose author still agrees, with what its list
    row shows. The index on (filter, -published_at) drives each filter."""
    return (
        Publication.objects.filter(published_case_q())
        .select_related("case", "category", "region", "department")
        .defer("search_document")
    )


def _subtree(model, node_id: int):
    """The node and its children and grandchildren (trees are shallow)."""
    return model.objects.filter(Q(pk=node_id) | Q(parent_id=node_id) | Q(parent__parent_id=node_id)).values("pk")


@dataclass(frozen=True)
class PublicSearch:
    cases: object  # a queryset of Publication
    partial: bool = False  # no case has every term: these have some of them


def search_public_cases(filters: PublicFilters = PublicFilters()):
    return public_search(filters).cases


def public_search(filters: PublicFilters = PublicFilters()) -> PublicSearch:
    """The public cases the filters keep, newest first; with a query, those
    that have every term of it, best first, or, when none has, the best
    partial matches (publication.partial)."""
    cases = public_cases()
    if filters.category_id:
        cases = cases.filter(category_id__in=Subquery(_subtree(Category, filters.category_id)))
    if filters.region_id:
        cases = cases.filter(region_id__in=Subquery(_subtree(Region, filters.region_id)))
    if filters.department_id:
        cases = cases.filter(department_id=filters.department_id)
    if filters.kind:
        cases = cases.filter(kind=filters.kind)
    if filters.status:
        cases = cases.filter(public_status=filters.status)
    terms = query_terms(filters.query)
    if filters.query.strip() and not terms:
        return PublicSearch(cases.none())
    if not terms:
        return PublicSearch(cases.order_by("-published_at", "-id"))
    matcher = public_matcher()
    exact = cases.filter(matcher.all_of_any([terms]))
    if exact.exists():
        return PublicSearch(exact.annotate(rank=matcher.rank(terms)).order_by("-rank", "-published_at", "-id"))
    partial = partial_matches(cases, terms, matcher)
    if partial is None:
        return PublicSearch(cases.none())
    return PublicSearch(partial.order_by("-score", "-published_at", "-id"), partial=True)


def public_matcher():
    return PostgresDocumentMatcher() if connection.vendor == "postgresql" else TextDocumentMatcher()


class PostgresDocumentMatcher:
    """Terms as tsqueries on the GIN-indexed tsvector; a title match is a
    match of weight A."""

    @staticmethod
    def _query(term: Term, *, title: bool = False) -> str:
        label = ":A" if title else ""
        return "(" + " | ".join(f"{tsquery_literal([lexeme])}{label}" for lexeme in term) + ")"

    def term(self, term: Term) -> Q:
        return Q(search_document__matches=self._query(term))

    def all_of_any(self, groups: list[list[Term]]) -> Q:
        return Q(search_document__matches=" | ".join(
            "(" + " & ".join(self._query(term) for term in group) + ")" for group in groups))

    def score(self, term: Term, weight: float):
        return Case(When(search_document__matches=self._query(term, title=True), then=Value(2 * weight)),
                    When(search_document__matches=self._query(term), then=Value(weight)),
                    default=Value(0.0), output_field=FloatField())

    def rank(self, terms: list[Term]):
        return TsRank(F("search_document"), " & ".join(self._query(term) for term in terms))


class TextDocumentMatcher:
    """The embedded default: the same tokens as text, " title | rest ",
    matched with LIKE."""

    @staticmethod
    def _found(lexeme: str) -> Q:
        return Q(search_document__contains=f" {lexeme} ")

    def term(self, term: Term) -> Q:
        return reduce(operator.or_, (self._found(lexeme) for lexeme in term))

    def all_of_any(self, groups: list[list[Term]]) -> Q:
        return reduce(operator.or_, (reduce(operator.and_, (self.term(term) for term in group)) for group in groups))

    def _in_title(self, term: Term) -> Q:
        bar = StrIndex("search_document", Value("|"))
        conditions = []
        for lexeme in term:
            at = StrIndex("search_document", Value(f" {lexeme} "))
            conditions.append(Q(GreaterThan(at, 0)) & Q(LessThan(at, bar)))
        return reduce(operator.or_, conditions)

    def score(self, term: Term, weight: float):
        return Case(When(self._in_title(term), then=Value(2 * weight)), When(self.term(term), then=Value(weight)),
                    default=Value(0.0), output_field=FloatField())

    def rank(self, terms: list[Term]):
        # A term found in the title counts double.
        return reduce(operator.add, (self.score(term, 1.0) for term in terms))


def _matching(cases, tokens: list[str], *, operator: str):
    """Cases whose document has all (&) or any (|) of the tokens, with a rank."""
    if connection.vendor == "postgresql":
        query = tsquery_literal(tokens, operator=operator)
        return cases.filter(search_document__matches=query).annotate(rank=TsRank(F("search_document"), query))
    # The embedded default: the same tokens, matched with LIKE; a token found
    # in the title (before the "|") counts double.
    conditions = [Q(search_document__contains=f" {token} ") for token in tokens]
    combined = conditions[0]
    for condition in conditions[1:]:
        combined = (combined & condition) if operator == "&" else (combined | condition)
    bar = StrIndex("search_document", Value("|"))
    score = Value(0)
    for token in tokens:
        at = StrIndex("search_document", Value(f" {token} "))
        score = score + Case(
            When(GreaterThan(at, 0), then=Case(When(LessThan(at, bar), then=Value(2)), default=Value(1))),
            default=Value(0), output_field=IntegerField(),
        )
    return cases.filter(combined).annotate(rank=score)


def public_case(tracking_number: str) -> Publication:
    """A published case by its tracking number; the same 404 whether it is
    missing, private or not (yet) approved. The number is read as every
    other look-up reads it, so text that cannot be one (a NUL character,
    which PostgreSQL refuses in a query) is not found rather than an error."""
    number = normalise_tracking_number(tracking_number)
    publication = public_cases().filter(case__tracking_number=number).first() if number else None
    if publication is None:
        raise Http404("No public case found")
    return publication


# --- similar cases for a draft -----------------------------------------------------


@dataclass(frozen=True)
class Similar:
    publication: Publication
    shared: int


def similar_public_cases(text: str, *, limit: int = 5, exclude_case_id: int | None = None) -> list[Similar]:
    """Published cases sharing the most tokens with a draft's title and
    details: any token may match, and a case must share at least two (one
    when the draft has only one) to be shown."""
    tokens = similarity_tokens(text)
    if not tokens:
        return []
    cases = public_cases()
    if exclude_case_id:
        cases = cases.exclude(case_id=exclude_case_id)
    candidates = _matching(cases, tokens, operator="|").order_by("-rank", "-published_at", "-id")[: limit * 3]
    return _closest(candidates, tokens, limit=limit, text=lambda item: f"{item.title} {item.body}",
                    wrap=lambda item, shared: Similar(item, shared))


def _closest(candidates, tokens: list[str], *, limit: int, text, wrap) -> list:
    wanted = set(tokens)
    needed = min(2, len(wanted))
    scored = []
    for position, item in enumerate(candidates):
        shared = len(wanted & set(document_tokens(text(item))))
        if shared >= needed:
            scored.append((-shared, position, wrap(item, shared)))
    return [item for *_key, item in sorted(scored, key=lambda entry: entry[:2])][:limit]


def rank_by_similarity(case, candidates, *, limit: int) -> list:
    """Candidates (cases) ordered by the tokens they share with `case`, then
    as they came; those sharing nothing keep their place after the rest."""
    wanted = set(similarity_tokens(f"{case.title} {case.body}"))
    scored = [(-len(wanted & set(document_tokens(f"{item.title} {item.body}"))), position, item)
              for position, item in enumerate(candidates)]
    return [item for *_key, item in sorted(scored, key=lambda entry: entry[:2])][:limit]


# --- the moderation queue -------------------------------------------------------


def awaiting_moderation():
    """Cases whose author asked for publication and no moderator has
    decided on yet, oldest first: the moderators' decisions set
    Case.publication_decided (publication.services), and a partial index of
    the cases still waiting serves the queue (petitions migration 0006)."""
    return (
        # The partial index case_moderation_queue_idx holds exactly these rows.
        CaseModel.objects.filter(wants_public=True, publication_decided=False)
        .exclude(status__in=UNPUBLISHABLE)
        .select_related("category", "region", "lead_department")
        .order_by("submitted_at", "id")
    )


def answers_awaiting_review():
    """Published cases that received an answer after the moderator last
    decided: the public reads it only once a moderator has."""
    newer = Reply.objects.filter(case_id=OuterRef("case_id"), state=ReplyState.PUBLISHED,
                                 published_at__gt=OuterRef("moderated_at"))
    return (
        # The partial index pub_answer_review_idx holds the flagged rows; the
        # condition itself is checked on each (a handful).
        public_cases().filter(answer_to_review=True).filter(Exists(newer))
        .order_by("moderated_at", "id")
    )


def case_for_moderation(case_id) -> CaseModel:
    """A case the moderators have business with: its author asked for
    publication, or a moderator already decided on it. Any other case is
    private to its author and the departments: the same 404 as a missing one."""
    case = (CaseModel.objects.select_related("category", "region", "lead_department", "citizen")
            .filter(Q(wants_public=True) | Q(publication__isnull=False))
            .filter(pk=case_id).first())
    if case is None:
        raise Http404("No case found")
    return case


# --- departments --------------------------------------------------------------------


def public_departments():
    return Department.objects.filter(is_active=True).select_related("parent").order_by("code")


def public_department(code: str) -> Department:
    department = public_departments().filter(code=code).first()
    if department is None:
        raise Http404("No department found")
    return department


def scorecard_scope(department_id: int | None, *, now: datetime.datetime) -> Scope:
    """The last twelve months up to the end of today, as the supervisors'
    dashboard counts them: whole local days, so the figures come from its
    running tallies rather than from every clock of the year."""
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    end = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time()))
    start = timezone.make_aware(datetime.datetime.combine(tomorrow - datetime.timedelta(days=365), datetime.time()))
    return Scope(start=start, end=end, department_id=department_id)


def department_rates(department: Department, *, now: datetime.datetime):
    rows = rates_by(scorecard_scope(department.pk, now=now), now=now)
    return next((row for row in rows if row.key == department.pk), None)


def department_trend(department: Department, *, now: datetime.datetime):
    return rates_by(scorecard_scope(department.pk, now=now), now=now, by_month=True)


def all_department_rates(*, now: datetime.datetime) -> list:
    """(department, rates or None) for every active department."""
    rows = {row.key: row for row in rates_by(scorecard_scope(None, now=now), now=now)}
    return [(department, rows.get(department.pk)) for department in public_departments()]


def recent_answers(department: Department, *, limit: int = 10):
    return (public_cases().filter(department=department, public_status=PublicStatus.ANSWERED)
            .order_by("-answered_at", "-id")[:limit])
