"""Reads of consultations shared by pages, the feed and the API, each a
fixed number of queries."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from consultations.models import (
    Comment,
    CommentGroup,
    Consultation,
    ConsultationState,
    DraftSection,
    FeedbackItem,
    ModerationState,
)
from portal.row_cache import shown_digest

PUBLIC_STATES = [ConsultationState.PUBLISHED, ConsultationState.REPORTED]
# The comment counts of a consultation's page are the same for everyone and
# cost a pass over all its comments: read at most this often.
COUNTS_SECONDS = 30
VALID = Q(invalidated_at=None)


def consultations_listed(*, department=None, topic=None, query: str = "") -> dict:
    """Open, upcoming and closed (or reported) consultations, filtered."""
    now = timezone.now()
    listed = Consultation.objects.filter(state__in=PUBLIC_STATES).select_related("department", "topic")
    if department:
        listed = listed.filter(department_id=department)
    if topic:
        listed = listed.filter(topic_id=topic)
    if query:
        listed = listed.filter(Q(title__icontains=query) | Q(summary__icontains=query))
    published = listed.filter(state=ConsultationState.PUBLISHED)
    return {
        "open": published.filter(opens_at__lte=now, closes_at__gt=now).order_by("closes_at"),
        "upcoming": published.filter(opens_at__gt=now).order_by("opens_at"),
        "closed": listed.filter(Q(state=ConsultationState.REPORTED) | Q(closes_at__lte=now)).order_by(
            "-closes_at"),
    }


def consultations_started():
    """Published consultations whose window has opened, newest first (the feed)."""
    return (Consultation.objects.filter(state__in=PUBLIC_STATES, opens_at__lte=timezone.now())
            .select_related("department").order_by("-opens_at"))


def _counts(consultation) -> dict:
    """Comments per section and in all, and the campaigns among them, kept
    in the cache for COUNTS_SECONDS (a busy consultation's comments arrive
    faster than anyone reads the figures)."""
    key = f"consultations:counts:{consultation.pk}"
    counts = cache.get(key)
    if counts is None:
        per_section = dict(Comment.objects.filter(VALID, consultation=consultation)
                           .values_list("section_id").annotate(n=Count("pk")).order_by())
        counts = {
            "sections": {pk: n for pk, n in per_section.items() if pk is not None},
            "total": sum(per_section.values()), "whole": per_section.get(None, 0),
            "groups": CommentGroup.objects.filter(consultation=consultation, size__gt=0).count(),
        }
        cache.set(key, counts, COUNTS_SECONDS)
    return counts


def counts_forget(consultation_id: int) -> None:
    """The author of a new comment sees it counted at once."""
    cache.delete(f"consultations:counts:{consultation_id}")


def sections_with_counts(consultation) -> list[DraftSection]:
    """The draft's sections, each with how many comments it has."""
    sections = list(consultation.sections.order_by("number"))
    per_section = _counts(consultation)["sections"]
    for section in sections:
        section.comment_count = per_section.get(section.pk, 0)
    return sections


def draft_digest(consultation, sections) -> str:
    """What the draft's part of its page shows: every section's text and
    comment count (portal.row_cache.shown_digest)."""
    return shown_digest(consultation.pk, consultation.comments_public,
                        [(s.pk, s.number, s.heading, s.text, s.comment_count) for s in sections])


def comments_digest(page) -> str:
    """What a page of published comments shows, with its pagination."""
    shown = [(c.pk, c.section_id and (c.section.number, c.section.heading), c.stance, c.quote, c.public_body)
             for c in page]
    return shown_digest(shown, page.number, page.count, page.has_next())


def public_comments(consultation, *, section=None):
    """The published comments, oldest first; of one section if given."""
    if not consultation.comments_public:
        return Comment.objects.none()
    comments = Comment.objects.filter(VALID, consultation=consultation, moderation=ModerationState.PUBLISHED)
    if section is not None:
        comments = comments.filter(section=section)
    return comments.select_related("section").order_by("submitted_at")


def comment_counts(consultation) -> dict:
    counts = _counts(consultation)
    return {"total": counts["total"], "whole": counts["whole"], "groups": counts["groups"]}


def feedback_report(consultation) -> dict:
    items = list(FeedbackItem.objects.filter(consultation=consultation)
                 .select_related("consultation", "section", "group", "group__representative")
                 .order_by("section__number", "group_id"))
    return {"sections": [item for item in items if item.section_id],
            "groups": [item for item in items if item.group_id]}


def comment_groups(consultation):
    """Each distinct comment once, with the size of its campaign, the
    largest first: what the department reads."""
    return (CommentGroup.objects.filter(consultation=consultation, size__gt=0)
            .select_related("representative", "representative__section").order_by("-size", "pk"))


def comments_of(user):
    return (Comment.objects.filter(author=user).select_related("consultation", "section")
            .order_by("-submitted_at"))


def consultations_with_ungrouped_comments(*, submitted_before) -> list[int]:
    """Consultations holding a comment sent before this moment and still in
    no group (its grouping message was lost): none in the usual case, found
    through the partial index of ungrouped comments."""
    return list(Comment.objects.filter(group=None, invalidated_at=None, submitted_at__lt=submitted_before)
                .order_by().values_list("consultation_id", flat=True).distinct())


def comments_to_moderate(consultation):
    return (Comment.objects.filter(VALID, consultation=consultation, moderation=ModerationState.PENDING)
            .select_related("section").order_by("submitted_at"))


# --- floods --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommentCriteria:
    """What a bulk invalidation matches; empty parts match anything."""

    consultation_id: int | None = None
    ip_address: str | None = None
    submitted_from: datetime | None = None
    submitted_until: datetime | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.ip_address or self.submitted_from or self.submitted_until)


def comments_matching(criteria: CommentCriteria):
    """Valid comments matching the criteria; each filter is served by an
    index led by it (Comment.Meta.indexes)."""
    comments = Comment.objects.filter(VALID)
    if criteria.consultation_id:
        comments = comments.filter(consultation_id=criteria.consultation_id)
    if criteria.ip_address:
        comments = comments.filter(ip_address=criteria.ip_address)
    if criteria.submitted_from:
        comments = comments.filter(submitted_at__gte=criteria.submitted_from)
    if criteria.submitted_until:
        comments = comments.filter(submitted_at__lt=criteria.submitted_until)
    return comments


def invalidation_preview(criteria: CommentCriteria) -> dict:
    """How many comments an invalidation would remove, in one query."""
    return comments_matching(criteria).aggregate(
        total=Count("id"), published=Count("id", filter=Q(moderation=ModerationState.PUBLISHED)),
        consultations=Count("consultation_id", distinct=True))


def recent_invalidations(limit: int = 10):
    from consultations.models import CommentInvalidation

    return CommentInvalidation.objects.select_related("performed_by", "consultation")[:limit]


# --- the feedback report clock -------------------------------------------------------------


def report_clock_figures(*, start: datetime, end: datetime, department_id: int | None = None,
                         now: datetime | None = None) -> dict:
    """Feedback reports whose deadline falls in [start, end), for one
    department or all, in one query: how many, published on time, late
    (published late, or still awaited past the deadline), still awaited
    past it, and awaited before it. Only the consultations' clocks are read
    (through the clocks' subject index), never the cases'."""
    from supervision.models import ClockKind, ClockState, SupervisionClock

    now = now or timezone.now()
    clocks = SupervisionClock.objects.filter(subject_type=ContentType.objects.get_for_model(Consultation),
                                             subject_id__isnull=False, kind=ClockKind.CONSULTATION_REPORT,
                                             due_at__gte=start, due_at__lt=end)
    if department_id is not None:
        clocks = clocks.filter(department_id=department_id)
    running = Q(state__in=[ClockState.RUNNING, ClockState.PAUSED])
    late = Q(state=ClockState.BREACHED) | (running & Q(due_at__lte=now))
    return clocks.aggregate(
        due=Count("pk"), on_time=Count("pk", filter=Q(state=ClockState.MET)), late=Count("pk", filter=late),
        overdue=Count("pk", filter=late & Q(stopped_at=None)),
        awaited=Count("pk", filter=running & Q(due_at__gt=now)),
    )


def department_report_figures(department, *, now: datetime | None = None) -> dict:
    """The scorecard's figures: deadlines in the last twelve months (as its
    rates) and those still ahead."""
    now = now or timezone.now()
    return report_clock_figures(start=now - timedelta(days=365), end=now + timedelta(days=366),
                                department_id=department.pk, now=now)
