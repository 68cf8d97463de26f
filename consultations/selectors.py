"""Reads of consultations shared by pages, the feed and the API, each a
fixed number of queries."""

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

PUBLIC_STATES = [ConsultationState.PUBLISHED, ConsultationState.REPORTED]


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


def sections_with_counts(consultation) -> list[DraftSection]:
    """The draft's sections, each with how many comments it has."""
    return list(consultation.sections.annotate(comment_count=Count("comments")).order_by("number"))


def public_comments(consultation):
    if not consultation.comments_public:
        return Comment.objects.none()
    return (Comment.objects.filter(consultation=consultation, moderation=ModerationState.PUBLISHED)
            .select_related("section").order_by("submitted_at"))


def comment_counts(consultation) -> dict:
    counts = Comment.objects.filter(consultation=consultation).aggregate(
        total=Count("pk"), whole=Count("pk", filter=Q(section=None)), groups=Count("group", distinct=True))
    return counts


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


def comments_to_moderate(consultation):
    return (Comment.objects.filter(consultation=consultation, moderation=ModerationState.PENDING)
            .select_related("section").order_by("submitted_at"))

