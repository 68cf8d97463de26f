"""Every write of a consultation's lifecycle: drafting, publication and
correction, comments and their moderation, the close that starts the report
clock, the feedback report that stops it."""

import datetime
import logging
import re
from collections import Counter, defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role, has_role, user_department_ids
from consultations import grouping, permissions
from consultations.models import (
    DEFAULT_WINDOW_DAYS,
    Comment,
    CommentGroup,
    CommentInvalidation,
    Consultation,
    ConsultationState,
    Document,
    DraftSection,
    DraftVersion,
    FeedbackItem,
    ModerationState,
    Phase,
)
from consultations.selectors import CommentCriteria, comments_matching, counts_forget
from notifications.models import Event
from notifications.services import notify
from petitions.attachments import attachment_content_type
from portal.errors import ActionForbidden, DomainError, TransitionNotAllowed
from supervision.clocks import clock_start, clocks_stop
from supervision.models import ClockKind

logger = logging.getLogger(__name__)

# A line that starts a new section: 第一章 / 第十二条 / 第3条, or "1." "2、" "(3)".
_SECTION_START = re.compile(
    r"^\s*(第[一二三四五六七八九十百千零〇\d]+[章条節节]|\d+[.．、)）]|[(（]\d+[)）])"
)


def split_sections(text: str) -> list[dict]:
    """Split pasted text into numbered sections at each 第X章/第X条 or
    numbered line; text before the first such line is a preamble."""
    sections: list[dict] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            if sections:
                sections[-1]["lines"].append("")
            continue
        if _SECTION_START.match(line) or not sections:
            heading = _SECTION_START.match(line)
            sections.append({"heading": heading.group(1).strip() if heading else "", "lines": [line.strip()]})
        else:
            sections[-1]["lines"].append(line.strip())
    return [{"number": index, "heading": section["heading"], "text": "\n".join(section["lines"]).strip()}
            for index, section in enumerate(sections, start=1)]


def _lock(consultation_id) -> Consultation:
    return Consultation.objects.select_for_update().get(pk=consultation_id)


def _must(allowed: bool, message=None):
    if not allowed:
        raise ActionForbidden(message or _("You may not do this with this consultation."))


# --- drafting ------------------------------------------------------------------------------


def consultation_create(*, actor, department, title: str, summary: str = "", topic=None, text: str = "",
                        who_may_comment: str = "confirmed", comments_public: bool = True) -> Consultation:
    _must(department.pk in user_department_ids(actor),
          _("Only the department's officials may draft its consultations."))
    with transaction.atomic():
        consultation = Consultation.objects.create(
            department=department, title=title, summary=summary, topic=topic, created_by=actor,
            who_may_comment=who_may_comment, comments_public=comments_public)
        if text:
            DraftSection.objects.bulk_create(
                DraftSection(consultation=consultation, **section) for section in split_sections(text))
    return consultation


def sections_replace(*, actor, consultation_id: int, text: str) -> list[DraftSection]:
    """Replace the whole draft text, split anew: only while a draft."""
    with transaction.atomic():
        consultation = _lock(consultation_id)
        _must(permissions.can_draft(actor, consultation))
        if consultation.state != ConsultationState.DRAFT:
            raise TransitionNotAllowed(_("A published draft changes only by a correction, with its reason."))
        consultation.sections.all().delete()
        return DraftSection.objects.bulk_create(
            DraftSection(consultation=consultation, **section) for section in split_sections(text))


def document_add(*, actor, consultation_id: int, title: str, upload) -> Document:
    from django.core.exceptions import ValidationError

    consultation = Consultation.objects.get(pk=consultation_id)
    _must(permissions.can_draft(actor, consultation))
    try:
        kind = attachment_content_type(upload)
    except ValidationError as error:
        raise DomainError(error.messages[0]) from error
    if kind != "application/pdf":
        raise DomainError(_("Supporting documents must be PDF files."))
    return Document.objects.create(consultation=consultation, title=title, file=upload, size=upload.size)


def _snapshot(consultation) -> list[dict]:
    return [{"number": s.number, "heading": s.heading, "text": s.text} for s in consultation.sections.all()]


def consultation_publish(*, actor, consultation_id: int, opens_at: datetime.datetime | None = None,
                         closes_at: datetime.datetime | None = None, short_window_reason: str = "") -> Consultation:
    """Publish the draft now or on a later date (scheduled); the window is
    30 days unless the head gives a reason, shown publicly, for less."""
    now = timezone.now()
    with transaction.atomic():
        consultation = _lock(consultation_id)
        _must(permissions.can_publish(actor, consultation), _("Only the department's head may publish."))
        if consultation.state != ConsultationState.DRAFT:
            raise TransitionNotAllowed(_("This consultation is already published."))
        if not consultation.sections.exists():
            raise DomainError(_("The draft has no text yet."))
        opens_at = max(opens_at or now, now)
        closes_at = closes_at or opens_at + datetime.timedelta(days=DEFAULT_WINDOW_DAYS)
        if closes_at <= opens_at:
            raise DomainError(_("The window must close after it opens."))
        if closes_at - opens_at < datetime.timedelta(days=DEFAULT_WINDOW_DAYS) and not short_window_reason.strip():
            raise DomainError(_("A window shorter than %(days)d days needs a reason, which is shown publicly.")
                              % {"days": DEFAULT_WINDOW_DAYS})
        consultation.state = ConsultationState.PUBLISHED
        consultation.opens_at, consultation.closes_at = opens_at, closes_at
        consultation.short_window_reason = short_window_reason.strip()
        consultation.version = 1
        consultation.published_at = now
        consultation.save(update_fields=["state", "opens_at", "closes_at", "short_window_reason", "version",
                                         "published_at"])
        DraftVersion.objects.create(consultation=consultation, number=1, sections=_snapshot(consultation),
                                    published_by=actor, published_at=now)
    return consultation


def consultation_correct(*, actor, consultation_id: int, text: str, reason: str) -> DraftVersion:
    """Correct a published draft: a new published version, with its reason
    shown beside it; the earlier versions stay readable."""
    if not reason.strip():
        raise DomainError(_("Say why the published draft is corrected."))
    with transaction.atomic():
        consultation = _lock(consultation_id)
        _must(permissions.can_publish(actor, consultation), _("Only the department's head may correct the draft."))
        if consultation.phase not in (Phase.SCHEDULED, Phase.OPEN):
            raise TransitionNotAllowed(_("Only a draft open or about to open for comments may be corrected."))
        # Sections keep their rows (comments point at them), matched by number.
        existing = {section.number: section for section in consultation.sections.all()}
        for part in split_sections(text):
            section = existing.pop(part["number"], None)
            if section is None:
                DraftSection.objects.create(consultation=consultation, **part)
            elif (section.heading, section.text) != (part["heading"], part["text"]):
                section.heading, section.text = part["heading"], part["text"]
                section.save(update_fields=["heading", "text"])
        for section in existing.values():
            section.delete()
        consultation.version += 1  # the row is locked: no lost update
        consultation.save(update_fields=["version"])
        return DraftVersion.objects.create(consultation=consultation, number=consultation.version,
                                           sections=_snapshot(consultation), reason=reason.strip(),
                                           published_by=actor)


# --- comments ------------------------------------------------------------------------------


def _check_may_comment(actor, consultation):
    phase = consultation.phase
    if phase == Phase.SCHEDULED:
        raise TransitionNotAllowed(_("This consultation is not open for comments yet."))
    if phase != Phase.OPEN:
        raise TransitionNotAllowed(
            _("The comment window closed on %(date)s: comments are no longer accepted or changed.")
            % {"date": timezone.localtime(consultation.closes_at).strftime("%Y-%m-%d %H:%M")})
    if not permissions.can_comment(actor, consultation):
        raise ActionForbidden(_("Confirm your e-mail address to comment on this consultation."))


def comment_submit(*, actor, consultation_id: int, body: str, section_id: int | None = None, quote: str = "",
                   stance: str = "", ip_address: str | None = None) -> Comment:
    from consultations import tasks

    consultation = Consultation.objects.get(pk=consultation_id)
    _check_may_comment(actor, consultation)
    limit = settings.CONSULTATION_COMMENTS_PER_PERSON
    if Comment.objects.filter(consultation=consultation, author=actor).count() >= limit:
        raise DomainError(_("You have already sent %(count)d comments on this consultation: change one of them "
                            "instead.") % {"count": limit})
    section = None
    if section_id is not None:
        section = consultation.sections.filter(pk=section_id).first()
        if section is None:
            raise DomainError(_("There is no such section in this draft."))
    comment = Comment.objects.create(
        consultation=consultation, section=section, author=actor, body=body.strip(), quote=quote.strip(),
        stance=stance, fingerprint=grouping.fingerprint(body), ip_address=ip_address)
    transaction.on_commit(lambda: tasks.group_comment.delay(comment.pk))
    return comment


def comment_edit(*, actor, comment_id: int, body: str, quote: str = "", stance: str = "") -> Comment:
    """The author edits until the window closes; the edit is moderated and
    grouped anew."""
    from consultations import tasks

    with transaction.atomic():
        comment = Comment.objects.select_for_update().select_related("consultation").get(pk=comment_id)
        if comment.author_id != actor.pk:
            raise ActionForbidden(_("Only its author may edit a comment."))
        if comment.invalidated_at is not None:
            raise TransitionNotAllowed(_("This comment was invalidated by the supervisors as part of a flood: "
                                         "it can no longer be changed."))
        _check_may_comment(actor, comment.consultation)
        comment.body, comment.quote, comment.stance = body.strip(), quote.strip(), stance
        comment.fingerprint = grouping.fingerprint(body)
        comment.moderation, comment.public_body, comment.edited_at = ModerationState.PENDING, "", timezone.now()
        comment.save(update_fields=["body", "quote", "stance", "fingerprint", "moderation", "public_body",
                                    "edited_at"])
        _leave_group(comment)
    transaction.on_commit(lambda: tasks.group_comment.delay(comment.pk))
    return comment


def comment_moderate(*, actor, comment_id: int, publish: bool, public_body: str = "",
                     reason=None) -> Comment:
    """Publish (optionally with personal data taken out) or decline, with one
    of publication's reasons."""
    if not permissions.can_moderate(actor):
        raise ActionForbidden(_("Only moderators decide which comments are published."))
    if not publish and reason is None:
        raise DomainError(_("Give the reason the comment is not published."))
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment_id)
        comment.moderation = ModerationState.PUBLISHED if publish else ModerationState.REJECTED
        comment.public_body = (public_body.strip() or comment.body) if publish else ""
        comment.rejection_reason = None if publish else reason
        comment.moderated_by = actor
        comment.save(update_fields=["moderation", "public_body", "rejection_reason", "moderated_by"])
    return comment


def _leave_group(comment):
    if comment.group_id:
        CommentGroup.objects.filter(pk=comment.group_id).update(size=F("size") - 1)
        comment.group = None
        comment.save(update_fields=["group"])


def _near_groups(consultation_id: int, value: int) -> list[CommentGroup]:
    """The consultation's groups within NEAR_DISTANCE bits of `value`,
    nearest (then oldest) first. Only groups sharing a band are read (each
    band an indexed column); the pigeonhole rule in grouping means no group
    within the distance is left out."""
    shares_a_band = Q()
    for field, band in zip(CommentGroup.BAND_FIELDS, grouping.bands(value), strict=True):
        # The consultation in every branch, so each is one index's range on SQLite and PostgreSQL alike.
        shares_a_band |= Q(consultation_id=consultation_id, **{field: band})
    candidates = CommentGroup.objects.filter(shares_a_band).only("pk", "simhash", "representative_id")
    near = [(grouping.distance(value, group.simhash), group.pk, group) for group in candidates]
    return [group for distance, _pk, group in sorted(near, key=lambda item: item[:2])
            if distance <= grouping.NEAR_DISTANCE]


class _Placer:
    """Finds or makes the campaign of comments of one consultation, whose row
    the caller holds locked, so two workers agree on the groups. One
    comment at a time (a new comment) or a batch (the backlog) take the
    same steps in the same order, and so make the same groups."""

    def __init__(self, consultation_id: int):
        self.consultation_id = consultation_id
        # Groups by their own fingerprint: the rest of a campaign of pasted
        # text finds its group without a query.
        self.by_fingerprint: dict[str, CommentGroup] = {}
        # Fingerprints known to have no group (until one is made here).
        self.without_group: set[str] = set()

    def prefetch(self, fingerprints) -> None:
        """Look a batch's fingerprints up in one query instead of one each."""
        fingerprints = set(fingerprints)
        for group in CommentGroup.objects.filter(consultation_id=self.consultation_id,
                                                 fingerprint__in=fingerprints).order_by("pk"):
            self.by_fingerprint.setdefault(group.fingerprint, group)
        self.without_group |= fingerprints - set(self.by_fingerprint)

    def place(self, comment) -> tuple[CommentGroup, bool]:
        """The comment's group, and whether it was made for it."""
        group = self.by_fingerprint.get(comment.fingerprint)
        if group is None and comment.fingerprint not in self.without_group:
            group = CommentGroup.objects.filter(consultation_id=self.consultation_id,
                                                fingerprint=comment.fingerprint).first()
        if group is None:
            value = grouping.simhash(comment.body)
            near = _near_groups(self.consultation_id, value)
            if near:
                return near[0], False
            group = CommentGroup.objects.create(
                consultation_id=self.consultation_id, fingerprint=comment.fingerprint, simhash=value,
                representative=comment, **dict(zip(CommentGroup.BAND_FIELDS, grouping.bands(value), strict=True)))
            self.by_fingerprint[group.fingerprint] = group
            return group, True
        self.by_fingerprint[group.fingerprint] = group
        return group, False


def _add_to_groups(comments, placed: dict[int, CommentGroup]) -> None:
    """Raise each group's size by its new comments (one update per distinct
    number), and give a group emptied by an invalidation a representative."""
    added = Counter(group.pk for group in placed.values())
    by_count: dict[int, list[int]] = defaultdict(list)
    for pk, count in added.items():
        by_count[count].append(pk)
    for count, pks in by_count.items():
        CommentGroup.objects.filter(pk__in=pks).update(size=F("size") + count)
    first = {}
    for comment in comments:
        first.setdefault(placed[comment.pk].pk, comment.pk)
    for group in {group.pk: group for group in placed.values()}.values():
        if group.representative_id is None:
            CommentGroup.objects.filter(pk=group.pk, representative=None).update(representative_id=first[group.pk])
            group.representative_id = first[group.pk]


def comment_group(*, comment_id: int) -> CommentGroup | None:
    """Put one comment in its campaign: the group with its fingerprint, else
    the nearest group within NEAR_DISTANCE bits (through the band index),
    else a new group. Locks the consultation (FOR NO KEY UPDATE: new
    comments are not held up) so two workers grouping its comments agree."""
    with transaction.atomic():
        comment = Comment.objects.filter(pk=comment_id).first()
        if comment is None:
            return None
        Consultation.objects.select_for_update(no_key=True).filter(pk=comment.consultation_id).first()
        comment = Comment.objects.select_for_update().get(pk=comment_id)
        if comment.group_id:
            return comment.group
        if comment.invalidated_at is not None:
            return None
        group, _made = _Placer(comment.consultation_id).place(comment)
        _add_to_groups([comment], {comment.pk: group})
        comment.group = group
        comment.save(update_fields=["group"])
    return group


def comments_group_pending(*, consultation_id: int, limit: int = 500) -> int:
    """Group the oldest `limit` comments of a consultation that are in no
    group yet (a backlog: comments loaded in bulk, or whose task was lost),
    in one transaction; the same groups as one comment at a time would
    make. Returns how many were grouped."""
    with transaction.atomic():
        if Consultation.objects.select_for_update(no_key=True).filter(pk=consultation_id).first() is None:
            return 0
        comments = list(Comment.objects.select_for_update()
                        .filter(consultation_id=consultation_id, group=None, invalidated_at=None)
                        .order_by("pk").only("pk", "consultation_id", "body", "fingerprint")[:limit])
        placer = _Placer(consultation_id)
        placer.prefetch(comment.fingerprint for comment in comments)
        placed = {}
        for comment in comments:
            placed[comment.pk], _made = placer.place(comment)
            comment.group = placed[comment.pk]
        if comments:
            _add_to_groups(comments, placed)
            Comment.objects.bulk_update(comments, ["group"], batch_size=500)
    return len(comments)


# --- flood invalidation --------------------------------------------------------------------


def comments_invalidate(*, actor, criteria: CommentCriteria, reason: str,
                        now: datetime.datetime | None = None) -> CommentInvalidation:
    """A supervisor invalidates every comment matching the criteria (a client
    address, a time range, optionally one consultation): they leave every
    count, list and campaign, and the record keeps who, when and why."""
    if not has_role(actor, Role.SUPERVISOR):
        raise ActionForbidden(_("Only supervisors can invalidate comments."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why these comments are invalid."))
    if criteria.is_empty:
        raise DomainError(_("Choose an address or a time range: not every comment at once."))
    now = now or timezone.now()
    with transaction.atomic():
        matching = comments_matching(criteria)
        consultation_ids = sorted(set(matching.values_list("consultation_id", flat=True).distinct()))
        # The consultations in id order (no deadlock between two
        # supervisors), as grouping locks them: no comment is grouped while
        # its campaign's size is being lowered.
        list(Consultation.objects.select_for_update(no_key=True).filter(pk__in=consultation_ids).order_by("pk")
             .values_list("pk"))
        locked = matching.filter(consultation_id__in=consultation_ids)
        per_group = dict(locked.exclude(group=None).values_list("group_id").annotate(n=Count("id")).order_by())
        invalidation = CommentInvalidation.objects.create(
            performed_by=actor, performed_at=now, reason=reason, consultation_id=criteria.consultation_id,
            ip_address=criteria.ip_address or None, submitted_from=criteria.submitted_from,
            submitted_until=criteria.submitted_until)
        invalidated = locked.update(invalidated_at=now, invalidation=invalidation)
        by_count: dict[int, list[int]] = defaultdict(list)
        for group_id, count in per_group.items():
            by_count[count].append(group_id)
        for count, group_ids in by_count.items():
            CommentGroup.objects.filter(pk__in=group_ids).update(size=F("size") - count)
        # A campaign read through an invalidated comment is read through its oldest valid one instead.
        CommentGroup.objects.filter(pk__in=list(per_group), representative__invalidation=invalidation).update(
            representative=Subquery(Comment.objects.filter(group=OuterRef("pk"), invalidated_at=None)
                                    .order_by("pk").values("pk")[:1]))
        invalidation.invalidated = invalidated
        invalidation.save(update_fields=["invalidated"])
        transaction.on_commit(lambda: [counts_forget(pk) for pk in consultation_ids])
        logger.info("comments invalidated: by=%s count=%s criteria=%s", actor.pk, invalidated, criteria)
    return invalidation


# --- close, feedback report ----------------------------------------------------------------


def _close(consultation) -> bool:
    """Claim the close by a conditional update, so a second run (or a second
    worker) does nothing, and start the report clock."""
    if not Consultation.objects.filter(pk=consultation.pk, closed_at=None).update(closed_at=consultation.closes_at):
        return False
    clock_start(subject=consultation, kind=ClockKind.CONSULTATION_REPORT, start=consultation.closes_at,
                department=consultation.department)
    return True


def consultations_close_due(*, now: datetime.datetime | None = None) -> list[int]:
    """Close every consultation whose window has ended."""
    now = now or timezone.now()
    closed = []
    due = Consultation.objects.filter(state=ConsultationState.PUBLISHED, closes_at__lte=now, closed_at=None)
    for consultation in due.select_related("department"):
        with transaction.atomic():
            if _close(consultation):
                closed.append(consultation.pk)
    return closed


def feedback_set(*, actor, consultation_id: int, decision: str, reason: str, section_id: int | None = None,
                 group_id: int | None = None) -> FeedbackItem:
    """The department's answer to a section's comments or a comment group."""
    if (section_id is None) == (group_id is None):
        raise DomainError(_("Answer either a section or a group of comments."))
    if not reason.strip():
        raise DomainError(_("Give the reason for the decision."))
    consultation = Consultation.objects.get(pk=consultation_id)
    _must(permissions.can_draft(actor, consultation))
    if consultation.phase != Phase.CLOSED:
        raise TransitionNotAllowed(_("The feedback is written after the window closes and before the report "
                                     "is published."))
    if section_id is not None and not consultation.sections.filter(pk=section_id).exists():
        raise DomainError(_("There is no such section in this draft."))
    if group_id is not None and not consultation.groups.filter(pk=group_id).exists():
        raise DomainError(_("There is no such group of comments."))
    item, _created = FeedbackItem.objects.update_or_create(
        consultation=consultation, section_id=section_id, group_id=group_id,
        defaults={"decision": decision, "reason": reason.strip()})
    return item


def report_publish(*, actor, consultation_id: int, summary: str) -> Consultation:
    """Publish the feedback report: stops the report clock and tells
    everyone who commented."""
    if not summary.strip():
        raise DomainError(_("Write the overall summary of the feedback."))
    now = timezone.now()
    with transaction.atomic():
        consultation = _lock(consultation_id)
        _must(permissions.can_publish(actor, consultation), _("Only the department's head may publish the report."))
        if consultation.phase != Phase.CLOSED:
            raise TransitionNotAllowed(_("The report is published once, after the window closes."))
        _close(consultation)  # if the periodic close has not run yet
        consultation.state = ConsultationState.REPORTED
        consultation.report_summary = summary.strip()
        consultation.report_published_at = now
        consultation.save(update_fields=["state", "report_summary", "report_published_at"])
        clocks_stop(subject=consultation, kinds=[ClockKind.CONSULTATION_REPORT], at=now, actor=actor)
        commenters = User.objects.filter(
            pk__in=Comment.objects.filter(consultation=consultation).values("author_id"), is_active=True)
        notify(event=Event.CONSULTATION_REPORT, users=list(commenters), about=f"consultation:{consultation.pk}",
               title=consultation.title, path=f"/consultations/{consultation.pk}/")
    return consultation


def report_notifier(*, clock, event) -> list[str]:
    """The report clock's reminders and breaches go to the department's heads."""
    consultation = clock.subject
    heads = User.objects.filter(memberships__department_id=consultation.department_id, memberships__is_head=True,
                                is_active=True).distinct()
    return [notify(event=event, users=list(heads), about=f"consultation:{consultation.pk}",
                   occurrence=str(clock.pk), title=_("Feedback report on “%(title)s”") % {"title": consultation.title},
                   path=f"/consultations/{consultation.pk}/", email_now=False)]
