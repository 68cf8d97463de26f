"""Moderators' decisions on what of a case the public reads, and the
author's choice to show their name."""

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role, has_role
from notifications.models import Event
from notifications.services import notify
from petitions.lifecycle import Status
from petitions.models import Case
from petitions.permissions import is_owner, log_refusal
from places.services import publication_point_set
from portal.errors import ActionForbidden, DomainError
from publication.models import Publication, PublicationState, PublicStatus
from publication.search import document_expression
from publication.signals import case_published
from responses.models import Reply, ReplyState

# A case in one of these states has nothing to publish.
UNPUBLISHABLE = (Status.REJECTED, Status.MERGED, Status.WITHDRAWN)


def can_moderate(user) -> bool:
    return has_role(user, Role.MODERATOR)


def latest_published_reply(case: Case) -> Reply | None:
    return (Reply.objects.filter(case=case, state=ReplyState.PUBLISHED).select_related("department")
            .order_by("-published_at", "-id").first())


def _lock_case(case_id: int) -> Case:
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None:
        raise DomainError(_("No such case."))
    return case


def _publication_for(case: Case) -> Publication:
    publication = Publication.objects.select_for_update().filter(case=case).first()
    return publication or Publication(case=case, kind=case.kind, category_id=case.category_id,
                                      region_id=case.region_id, submitted_at=case.submitted_at)


def _decided(case: Case, publication: Publication) -> None:
    """A moderator's decision takes the case off both moderation queues
    (publication.selectors.awaiting_moderation, answers_awaiting_review).
    The case's flag by an update: no history row or signal for it."""
    publication.answer_to_review = False
    if not case.publication_decided:
        Case.objects.filter(pk=case.pk).update(publication_decided=True)
        case.publication_decided = True


def answer_published(sender, instance, **kwargs) -> None:
    """A reply saved published after the moderator's last decision on its
    published case: the answer goes back to the moderators before the
    public reads it (answers_awaiting_review)."""
    if instance.state != ReplyState.PUBLISHED or instance.published_at is None:
        return
    Publication.objects.filter(case_id=instance.case_id, state=PublicationState.PUBLISHED,
                               moderated_at__lt=instance.published_at,
                               answer_to_review=False).update(answer_to_review=True)


def _require_moderator(actor, case: Case, action: str) -> None:
    if not can_moderate(actor):
        log_refusal(actor, case, action)
        raise ActionForbidden(_("Only moderators decide what is published."))


# publication_approve's expected_reply_id when the caller does not check it.
UNCHECKED = object()


def publication_approve(*, actor, case_id: int, title: str, body: str, answer: str = "",
                        redacted: bool = False, expected_reply_id=UNCHECKED,
                        exact_location: bool = False) -> Publication:
    """Publish the case with the texts the moderator approved (the original
    ones, or copies with personal data removed). Approving again, after a
    new answer, publishes that answer. The first publication sends
    `case_published` once the decision has committed.

    `expected_reply_id` is the answer the moderator reviewed (None: they saw
    none); if another is now the case's latest, nothing is published.
    The case's point is shown rounded unless `exact_location`."""
    title, body, answer = title.strip(), body.strip(), answer.strip()
    with transaction.atomic():
        case = _lock_case(case_id)
        _require_moderator(actor, case, "publication_approve")
        if not case.wants_public:
            raise DomainError(_("The author did not agree to publication, so this case cannot be published."))
        if case.status in UNPUBLISHABLE:
            raise DomainError(_("This case is %(status)s, so it cannot be published.")
                              % {"status": Status(case.status).label})
        if not title or not body:
            raise DomainError(_("The public title and details cannot be empty."))
        reply = latest_published_reply(case)
        if expected_reply_id is not UNCHECKED and getattr(reply, "pk", None) != expected_reply_id:
            raise DomainError(_("A new answer was published since you opened this page: review it below "
                                "before you publish."))
        if reply is not None and not answer:
            raise DomainError(_("The case has an answer: give its public text too."))
        publication = _publication_for(case)
        first_time = publication.state != PublicationState.PUBLISHED
        now = timezone.now()
        publication.state = PublicationState.PUBLISHED
        publication.title, publication.body = title, body
        publication.answer = answer if reply is not None else ""
        publication.answer_reply = reply
        publication.redacted = redacted
        publication.kind, publication.category_id, publication.region_id = case.kind, case.category_id, case.region_id
        publication.department_id = reply.department_id if reply is not None else case.lead_department_id
        publication.public_status = PublicStatus.ANSWERED if reply is not None else PublicStatus.AWAITING
        publication.answered_at = (reply.published_at or reply.created_at) if reply is not None else None
        publication.submitted_at = case.submitted_at
        publication_point_set(publication, case, exact=exact_location)
        if first_time:
            publication.published_at = now
        publication.rejection_reason, publication.rejection_note = None, ""
        publication.moderated_by, publication.moderated_at = actor, now
        publication.search_document = document_expression(
            title=title, body=body, answer=publication.answer, vendor=connection.vendor)
        publication._history_user = actor
        publication._change_reason = "redacted" if redacted else "approved"
        _decided(case, publication)
        publication.save()
        if first_time:
            transaction.on_commit(lambda: case_published.send(sender=Case, case=case, by=actor))
        if publication.answer_reply_id is not None:
            transaction.on_commit(lambda: notify_followers_of_answer(publication))
    return publication


def notify_followers_of_answer(publication: Publication) -> str:
    """Tell those following the case (publication.following) that its public
    answer is published: once per published reply, however often moderators
    approve it again. The case's author is told by its own REPLIED event."""
    case = publication.case
    followers = (User.objects.filter(case_follows__case_id=case.pk, is_active=True)
                 .exclude(pk=case.citizen_id or 0))
    with transaction.atomic():
        return notify(event=Event.FOLLOWED_ANSWERED, case=case, users=list(followers),
                      occurrence=f"reply{publication.answer_reply_id}")


def publication_reject(*, actor, case_id: int, reason, note: str = "") -> Publication:
    """Refuse publication, with a reason from the administrators' list. A
    published case is taken off the public side."""
    with transaction.atomic():
        case = _lock_case(case_id)
        _require_moderator(actor, case, "publication_reject")
        if reason is None or not reason.is_active:
            raise DomainError(_("Choose a reason from the list."))
        publication = _publication_for(case)
        publication.state = PublicationState.REJECTED
        publication.title = publication.body = publication.answer = ""
        publication.answer_reply = None
        publication.rejection_reason, publication.rejection_note = reason, note.strip()
        publication.moderated_by, publication.moderated_at = actor, timezone.now()
        publication.search_document = document_expression(title="", body="", answer="", vendor=connection.vendor)
        publication._history_user = actor
        publication._change_reason = "rejected"
        _decided(case, publication)
        publication.save()
    return publication


def publication_set_author_name(*, actor, case_id: int, show: bool) -> Publication:
    """The author chooses whether the public reads their name or "a citizen"."""
    with transaction.atomic():
        case = _lock_case(case_id)
        if not is_owner(actor, case):
            log_refusal(actor, case, "publication_set_author_name")
            raise ActionForbidden(_("Only the citizen who filed the case can choose this."))
        publication = _publication_for(case)
        publication.show_author_name = show
        publication._history_user = actor
        publication._change_reason = "author_name_shown" if show else "author_name_hidden"
        if publication.pk is None:
            publication.save()
        else:
            publication.save(update_fields=["show_author_name"])
    return publication
