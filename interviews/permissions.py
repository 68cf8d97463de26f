"""Who may do what with a live interview, for pages and the API alike.
A staff page of an interview one may not work on is the same 404 as a
missing one."""

import logging

from django.http import Http404

from accounts.roles import Role, has_role, user_department_ids
from interviews.models import Interview

logger = logging.getLogger("wenzheng.access")


def can_schedule(user) -> bool:
    return has_role(user, Role.INTERVIEW_HOST)


def can_host(user, interview) -> bool:
    """Post answers and statements, start and close: the interview hosts,
    and the officials of the interviewed department."""
    return has_role(user, Role.INTERVIEW_HOST) or interview.department_id in user_department_ids(user)


def can_screen(user, interview) -> bool:
    """Publish, merge or reject questions: the hosts and the moderators."""
    return can_host(user, interview) or has_role(user, Role.MODERATOR)


def can_ask(user) -> bool:
    """A signed-in person asks as themselves once the account has a
    confirmed e-mail address or mobile number: the unanswered ones become
    their cases, and nothing is linked to an account by an address it has
    not confirmed. Anyone else asks with an e-mail address they confirm by
    a link (`services.question_submit_by_email`)."""
    return getattr(user, "is_authenticated", False) and (user.email_confirmed or user.phone_confirmed)


def get_interview_for_screening(user, interview_id) -> Interview:
    try:
        interview = Interview.objects.select_related("department").get(pk=interview_id)
    except (Interview.DoesNotExist, ValueError, TypeError):
        interview = None
    if interview is None or not can_screen(user, interview):
        logger.warning("interview not shown: user=%s interview=%s", getattr(user, "pk", None), interview_id)
        raise Http404("No interview found")
    return interview


def get_interview_for_hosting(user, interview_id) -> Interview:
    interview = get_interview_for_screening(user, interview_id)
    if not can_host(user, interview):
        logger.warning("interview not hosted: user=%s interview=%s", getattr(user, "pk", None), interview_id)
        raise Http404("No interview found")
    return interview
