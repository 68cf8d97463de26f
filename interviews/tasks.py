"""Celery tasks of live interviews: thin, take ids, safe to run twice."""

from celery import shared_task
from django.conf import settings
from django.urls import reverse

from interviews.models import Question, QuestionState
from portal.claims import task_claim, task_claim_release
from portal.mail import send_templated_mail


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_question_confirmation(self, question_id: int) -> bool:
    """E-mail the link that confirms a question asked without an account."""
    question = Question.objects.select_related("interview").filter(pk=question_id).first()
    if question is None or question.state != QuestionState.UNCONFIRMED:
        return False
    from interviews.services import question_confirmation_token

    # The same message delivered twice (a worker killed before it
    # acknowledged) sends one e-mail.
    claim = f"interview-question-confirmation:{self.request.id}"
    if self.request.id and not task_claim(claim):
        return False
    try:
        send_templated_mail(
            to=question.asker_email, template="interview_question_confirm", language=question.language,
            context={"question": question, "interview": question.interview,
                     "confirm_url": settings.SITE_URL.rstrip("/") + reverse(
                         "interviews:confirm", args=[question_confirmation_token(question)]),
                     "valid_hours": settings.INTERVIEW_CONFIRMATION_HOURS},
        )
    except Exception:
        task_claim_release(claim)
        raise
    return True
