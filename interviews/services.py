"""Writes on live interviews: scheduling, the questions and their
screening, support, the live posts, and closing, where every question not
answered live becomes a case for the department."""

import uuid

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from interviews.live import forget_live
from interviews.models import Answer, Interview, InterviewState, Question, QuestionState, QuestionSupport
from interviews.permissions import can_ask, can_host, can_schedule, can_screen
from notifications.models import Event
from notifications.services import notify
from petitions.models import Kind
from petitions.services import case_submit
from portal.errors import ActionForbidden, DomainError, TransitionNotAllowed
from portal.queue import enqueue_on_commit
from signatures.normalise import InvalidAddress, normalise_email

# Unanswered questions' cases carry a submission key made from the
# question, so a second close can never file a second case for one.
CASE_KEY_NAMESPACE = uuid.UUID("4f1e0a52-7b0c-4d6e-9a51-6d1c2f3b8e90")
CASE_TITLE_LENGTH = 120
CONFIRM_SALT = "interviews.question.confirm"


def _save(instance, *, actor, event: str, fields: list[str]) -> None:
    instance._history_user = actor
    instance._change_reason = event
    instance.save(update_fields=fields)


def _text(value: str, message) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message)
    return value


def _lock_interview(interview_id: int) -> Interview:
    try:
        return Interview.objects.select_for_update().get(pk=interview_id)
    except Interview.DoesNotExist:
        raise DomainError(_("There is no such interview.")) from None


def _lock_question(question_id: int) -> Question:
    try:
        return Question.objects.select_for_update().select_related("interview").get(pk=question_id)
    except Question.DoesNotExist:
        raise DomainError(_("There is no such question.")) from None


# --- the interview ------------------------------------------------------------


def interview_schedule(*, actor, title: str, department, guests: str, starts_at, ends_at, category, region,
                       description: str = "", stream_url: str = "") -> Interview:
    """Announce an interview: its page is public from now on."""
    if not can_schedule(actor):
        raise ActionForbidden(_("Only interview hosts schedule interviews."))
    if ends_at <= starts_at:
        raise DomainError(_("The interview must end after it starts."))
    interview = Interview(
        title=_text(title, _("Give the interview a topic.")), description=(description or "").strip(),
        department=department, guests=_text(guests, _("Name the guests.")), starts_at=starts_at, ends_at=ends_at,
        stream_url=(stream_url or "").strip(), category=category, region=region, created_by=actor,
    )
    interview._history_user = actor
    interview._change_reason = "scheduled"
    interview.save()
    return interview


def interview_start(*, actor, interview_id: int) -> Interview:
    with transaction.atomic():
        interview = _lock_interview(interview_id)
        if not can_host(actor, interview):
            raise ActionForbidden(_("Only the hosts and the department's officials run an interview."))
        if interview.state != InterviewState.SCHEDULED:
            raise TransitionNotAllowed(_("Only an upcoming interview can start."))
        interview.state = InterviewState.LIVE
        interview.started_at = timezone.now()
        _save(interview, actor=actor, event="started", fields=["state", "started_at"])
        forget_live(interview.pk)
    return interview


# --- questions ------------------------------------------------------------------


def question_submit(*, actor, interview_id: int, body: str, language: str | None = None) -> Question:
    """A citizen asks, before or during the interview; moderators screen
    the question before the public reads it."""
    if not can_ask(actor):
        raise ActionForbidden(_("Log in with a confirmed e-mail address to ask a question."))
    body = _text(body, _("Write your question."))
    with transaction.atomic():
        interview = _lock_interview(interview_id)
        if interview.state == InterviewState.CLOSED:
            raise TransitionNotAllowed(_("This interview is over: it takes no more questions."))
        # Under the interview's lock, so two posts at once cannot both pass.
        asked = Question.objects.filter(interview=interview, asker=actor).count()
        if asked >= settings.INTERVIEW_QUESTIONS_PER_PERSON:
            raise DomainError(_("You have asked as many questions as one person may in this interview."))
        question = Question(interview=interview, asker=actor, body=body, original=body,
                            language=language or translation.get_language() or settings.LANGUAGE_CODE)
        question._history_user = actor
        question._change_reason = "asked"
        question.save()
    return question


def question_submit_by_email(*, interview_id: int, email: str, body: str, name: str = "",
                             language: str | None = None) -> Question:
    """Someone without an account asks, giving an e-mail address: the
    question waits, unseen by the moderators, until they open the link
    e-mailed to that address (`question_confirm`). The limit per person
    counts the mailbox, confirmed or not, so one address cannot flood an
    interview with links either."""
    body = _text(body, _("Write your question."))
    try:
        normalised = normalise_email(email)
    except InvalidAddress:
        raise DomainError(_("Enter a valid e-mail address.")) from None
    with transaction.atomic():
        interview = _lock_interview(interview_id)
        if interview.state == InterviewState.CLOSED:
            raise TransitionNotAllowed(_("This interview is over: it takes no more questions."))
        asked = Question.objects.filter(interview=interview, asker=None, asker_email_normalised=normalised).count()
        if asked >= settings.INTERVIEW_QUESTIONS_PER_PERSON:
            raise DomainError(_("You have asked as many questions as one person may in this interview."))
        question = Question(interview=interview, asker=None, asker_email=email.strip(),
                            asker_email_normalised=normalised, asker_name=" ".join((name or "").split())[:100],
                            body=body, original=body, state=QuestionState.UNCONFIRMED,
                            language=language or translation.get_language() or settings.LANGUAGE_CODE)
        question._history_user = None
        question._change_reason = "asked_by_email"
        question.save()
        from interviews.tasks import send_question_confirmation

        enqueue_on_commit(send_question_confirmation, question.pk)
    return question


def question_confirmation_token(question: Question) -> str:
    return signing.dumps([question.pk, question.asker_email_normalised], salt=CONFIRM_SALT, compress=True)


def _question_for_token(token: str) -> Question:
    invalid = _("This confirmation link is not valid. Copy the whole link from the e-mail.")
    try:
        question_id, normalised = signing.loads(token, salt=CONFIRM_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise DomainError(invalid) from None
    question = None
    if isinstance(question_id, int) and normalised:
        question = Question.objects.filter(pk=question_id, asker=None, asker_email_normalised=normalised).first()
    if question is None:
        raise DomainError(invalid)
    try:  # its age, now that the link is known to be ours
        signing.loads(token, salt=CONFIRM_SALT, max_age=settings.INTERVIEW_CONFIRMATION_HOURS * 3600)
    except signing.SignatureExpired:
        raise DomainError(_("This confirmation link has expired. Ask your question again to get a new one.")) from None
    return question


def question_confirm(*, token: str) -> tuple[Question, bool]:
    """The asker opened the e-mailed link: their question joins the
    moderators' queue. Returns the question and whether this call confirmed
    it (False: confirmed before). Under the interview's lock, which closing
    takes too, so a question is confirmed before the close turns it into a
    case, or refused after it."""
    question = _question_for_token(token)
    with transaction.atomic():
        interview = _lock_interview(question.interview_id)
        question = Question.objects.select_for_update().get(pk=question.pk)
        question.interview = interview
        if question.state != QuestionState.UNCONFIRMED:
            return question, False
        if interview.state == InterviewState.CLOSED:
            raise TransitionNotAllowed(_("This interview is over: it takes no more questions."))
        question.state, question.confirmed_at = QuestionState.PENDING, timezone.now()
        _save(question, actor=None, event="confirmed", fields=["state", "confirmed_at"])
    return question, True


def _screenable(actor, question: Question) -> None:
    if not can_screen(actor, question.interview):
        raise ActionForbidden(_("Only moderators and the interview's hosts screen questions."))
    if question.interview.state == InterviewState.CLOSED:
        raise TransitionNotAllowed(_("This interview is over: its questions can no longer be screened."))


def question_publish(*, actor, question_id: int, body: str | None = None) -> Question:
    """Show the question to the public, in the moderator's wording if
    given (a shorter text, personal data taken out)."""
    with transaction.atomic():
        question = _lock_question(question_id)
        _screenable(actor, question)
        if question.state != QuestionState.PENDING:
            raise TransitionNotAllowed(_("Only a question awaiting screening can be published."))
        if body is not None and body.strip():
            question.body = body.strip()
        question.state = QuestionState.PUBLISHED
        question.screened_by, question.screened_at = actor, timezone.now()
        _save(question, actor=actor, event="published", fields=["body", "state", "screened_by", "screened_at"])
    return question


def question_reject(*, actor, question_id: int, reason, note: str = "") -> Question:
    """Refuse a question with one of the moderation reasons."""
    if reason is None:
        raise DomainError(_("Choose a reason."))
    with transaction.atomic():
        question = _lock_question(question_id)
        _screenable(actor, question)
        if question.state not in (QuestionState.PENDING, QuestionState.PUBLISHED) or question.answered_at:
            raise TransitionNotAllowed(_("An answered, merged or rejected question cannot be rejected."))
        question.state = QuestionState.REJECTED
        question.rejection_reason, question.rejection_note = reason, (note or "").strip()
        question.screened_by, question.screened_at = actor, timezone.now()
        _save(question, actor=actor, event="rejected",
              fields=["state", "rejection_reason", "rejection_note", "screened_by", "screened_at"])
    return question


def question_merge(*, actor, question_id: int, into_question_id: int) -> Question:
    """Fold a question into a similar published one: an answer to that one
    answers both, and if it goes unanswered both askers get a case."""
    if question_id == into_question_id:
        raise DomainError(_("A question cannot be merged into itself."))
    with transaction.atomic():
        # In id order, so two merges of the same pair cannot deadlock.
        locked = {q.pk: q for q in Question.objects.select_for_update().select_related("interview")
                  .filter(pk__in=[question_id, into_question_id]).order_by("pk")}
        question, into = locked.get(question_id), locked.get(into_question_id)
        if question is None or into is None:
            raise DomainError(_("There is no such question."))
        _screenable(actor, question)
        if into.interview_id != question.interview_id or into.state != QuestionState.PUBLISHED:
            raise DomainError(_("Merge into a published question of the same interview."))
        if question.state not in (QuestionState.PENDING, QuestionState.PUBLISHED) or question.answered_at:
            raise TransitionNotAllowed(_("An answered, merged or rejected question cannot be merged."))
        if question.merged.exists():
            raise TransitionNotAllowed(_("Other questions were merged into this one: merge them elsewhere first."))
        question.state, question.merged_into = QuestionState.MERGED, into
        question.screened_by, question.screened_at = actor, timezone.now()
        _save(question, actor=actor, event="merged", fields=["state", "merged_into", "screened_by", "screened_at"])
    return question


def question_support(*, actor, question_id: int) -> bool:
    """Support a published question, once per person. Returns whether this
    was a new support."""
    if not getattr(actor, "is_authenticated", False):
        raise ActionForbidden(_("Log in to support a question."))
    with transaction.atomic():
        question = _lock_question(question_id)
        if question.state != QuestionState.PUBLISHED or question.interview.state == InterviewState.CLOSED:
            raise TransitionNotAllowed(_("Only published questions of an open interview can be supported."))
        try:
            with transaction.atomic():
                QuestionSupport.objects.create(question=question, user=actor)
        except IntegrityError:
            return False
        Question.objects.filter(pk=question.pk).update(support_count=F("support_count") + 1)
    return True


# --- live posts -------------------------------------------------------------------


def answer_post(*, actor, interview_id: int, body: str, question_id: int | None = None,
                speaker: str = "") -> Answer:
    """The host posts an answer to a chosen question, or a statement; every
    viewer's page shows it at its next poll."""
    body = _text(body, _("Write the answer."))
    with transaction.atomic():
        interview = _lock_interview(interview_id)
        if not can_host(actor, interview):
            raise ActionForbidden(_("Only the hosts and the department's officials post in an interview."))
        if interview.state != InterviewState.LIVE:
            raise TransitionNotAllowed(_("Answers are posted while the interview is live."))
        question = None
        if question_id is not None:
            question = Question.objects.select_for_update().filter(pk=question_id, interview=interview).first()
            if question is None or question.state != QuestionState.PUBLISHED:
                raise DomainError(_("Choose a published question of this interview."))
        now = timezone.now()
        answer = Answer(interview=interview, question=question, author=actor, body=body,
                        speaker=(speaker or "").strip(), posted_at=now)
        answer._history_user = actor
        answer._change_reason = "posted"
        answer.save()
        if question is not None and question.answered_at is None:
            question.answered_at = now
            _save(question, actor=actor, event="answered", fields=["answered_at"])
        forget_live(interview.pk)
    return answer


# --- closing ------------------------------------------------------------------------


def _unanswered(interview: Interview):
    """Questions nobody answered live and that are not cases yet: waiting
    for screening, published, or merged into a question left unanswered."""
    own = Q(state__in=[QuestionState.PENDING, QuestionState.PUBLISHED], answered_at=None)
    merged = Q(state=QuestionState.MERGED, merged_into__answered_at=None)
    return (Question.objects.filter(own | merged, interview=interview, case=None)
            .select_related("asker").order_by("submitted_at", "pk"))


def _case_for(question: Question, interview: Interview):
    """The asker's case: theirs if they asked signed in, otherwise filed
    with the address they confirmed and followed by tracking number."""
    asker = question.asker
    with translation.override(question.language):
        title = _("Question to the interview “%(topic)s”") % {"topic": interview.title}
        held = timezone.localtime(interview.started_at or interview.starts_at).date().isoformat()
        body = "\n\n".join([
            question.original,
            _("Asked in the live interview “%(topic)s” (%(date)s) and not answered there.")
            % {"topic": interview.title, "date": held},
        ])
    if len(title) > CASE_TITLE_LENGTH:
        title = title[:CASE_TITLE_LENGTH - 1] + "…"
    if asker is not None:
        contact = {"contact_email": asker.email, "contact_phone": asker.phone, "contact_name": asker.full_name}
    else:
        contact = {"contact_email": question.asker_email, "contact_name": question.asker_name}
    case, _created = case_submit(
        actor=asker, kind=Kind.CONSULTATION, category=interview.category, region=interview.region, title=title,
        body=body[:5000], language=question.language,
        submission_key=uuid.uuid5(CASE_KEY_NAMESPACE, f"question:{question.pk}"), **contact,
    )
    return case


def interview_close(*, actor, interview_id: int) -> list:
    """Close the interview and publish its transcript; every question not
    answered live becomes a case (submitted, routed and clocked like any
    other) and its asker is told. Safe to run again: a closed interview
    turns only its questions that are not cases yet. Returns the new cases."""
    with transaction.atomic():
        interview = _lock_interview(interview_id)
        if not can_host(actor, interview):
            raise ActionForbidden(_("Only the hosts and the department's officials close an interview."))
        if interview.state != InterviewState.CLOSED:
            interview.state = InterviewState.CLOSED
            interview.closed_at = timezone.now()
            interview.started_at = interview.started_at or interview.closed_at
            _save(interview, actor=actor, event="closed", fields=["state", "closed_at", "started_at"])
        cases = []
        for question in _unanswered(interview):
            case = _case_for(question, interview)
            question.case = case
            _save(question, actor=actor, event="became_case", fields=["case"])
            if question.asker_id:
                notify(event=Event.INTERVIEW_QUESTION_CASE, case=case, users=[question.asker])
            else:
                notify(event=Event.INTERVIEW_QUESTION_CASE, case=case, addresses=[case.contact_email])
            cases.append(case)
        forget_live(interview.pk)
    return cases
