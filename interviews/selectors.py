"""Reads for the interview pages, the API and the supervisors' panel; each
runs a fixed number of queries whatever the number of rows."""

from django.http import Http404

from interviews.models import Answer, Interview, InterviewState, Question, QuestionState, QuestionSupport

LIST_LIMIT = 50


def interviews_public():
    return Interview.objects.select_related("department").order_by("starts_at", "pk")


def interviews_listed() -> dict:
    """The list page: live now, upcoming (soonest first), held (latest first)."""
    base = interviews_public()
    return {
        "live": list(base.filter(state=InterviewState.LIVE)[:LIST_LIMIT]),
        "upcoming": list(base.filter(state=InterviewState.SCHEDULED)[:LIST_LIMIT]),
        "past": base.filter(state=InterviewState.CLOSED).order_by("-starts_at", "-pk"),
    }


def interview_public(interview_id) -> Interview:
    try:
        return interviews_public().get(pk=interview_id)
    except (Interview.DoesNotExist, ValueError, TypeError):
        raise Http404("No interview found") from None


def live_stream(interview: Interview) -> list[Answer]:
    """What the live fragment shows: every post, newest first."""
    return list(Answer.objects.filter(interview=interview).select_related("question")
                .order_by("-posted_at", "-pk"))


def published_questions(interview: Interview) -> list[Question]:
    """The questions the public reads and supports, most supported first."""
    return list(Question.objects.filter(interview=interview, state=QuestionState.PUBLISHED)
                .order_by("-support_count", "submitted_at", "pk"))


def supported_by(user, questions) -> set[int]:
    if not getattr(user, "is_authenticated", False) or not questions:
        return set()
    return set(QuestionSupport.objects.filter(user=user, question__in=questions)
               .values_list("question_id", flat=True))


def transcript(interview: Interview) -> dict:
    """After the interview: the posts in order, then the questions that
    became cases, each with its case."""
    posts = list(Answer.objects.filter(interview=interview).select_related("question")
                 .order_by("posted_at", "pk"))
    passed_on = list(Question.objects.filter(interview=interview).exclude(case=None)
                     .select_related("case").order_by("submitted_at", "pk"))
    from supervision.deadlines import case_deadline

    for question in passed_on:
        # The clock holding the case now, read from the case row alone.
        question.deadline = case_deadline(question.case)
    return {"posts": posts, "passed_on": passed_on}


def questions_to_screen(interview: Interview) -> dict:
    """The host's page: the waiting questions, oldest first, and the
    published ones (for answering and as merge targets)."""
    waiting = list(Question.objects.filter(interview=interview, state=QuestionState.PENDING)
                   .select_related("asker").order_by("submitted_at", "pk")[:200])
    return {"waiting": waiting, "published": published_questions(interview)}


def my_questions(user, interview: Interview) -> list[Question]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Question.objects.filter(interview=interview, asker=user).select_related("rejection_reason", "case")
                .order_by("submitted_at", "pk"))


def interview_figures(*, start, end, department_id=None) -> dict:
    """The supervisors' panel: interviews held, questions received, answered
    live and turned into cases, in [start, end), for one department or all."""
    interviews = Interview.objects.all()
    if department_id is not None:
        interviews = interviews.filter(department_id=department_id)
    held = interviews.filter(closed_at__gte=start, closed_at__lt=end)
    questions = Question.objects.all() if department_id is None else Question.objects.filter(
        interview__in=interviews)
    return {
        "held": held.count(),
        # A question asked by e-mail counts once its asker confirmed it.
        "received": questions.filter(submitted_at__gte=start, submitted_at__lt=end)
        .exclude(state=QuestionState.UNCONFIRMED).count(),
        "answered": questions.filter(answered_at__gte=start, answered_at__lt=end).count(),
        "became_cases": Question.objects.filter(interview__in=held, case__isnull=False).count(),
    }
