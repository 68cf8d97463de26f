"""Who may do what with a consultation, for pages and the API alike. A
draft, or a staff page one may not use, is the same 404 as a missing one."""

import logging

from django.http import Http404

from accounts.roles import Role, has_role, user_department_ids, user_head_department_ids
from consultations.models import Consultation, ConsultationState, WhoMayComment

logger = logging.getLogger("wenzheng.access")


def can_draft(user, consultation) -> bool:
    """Write the draft, its documents and the feedback: the department's officials."""
    return consultation.department_id in user_department_ids(user)


def can_publish(user, consultation) -> bool:
    """Publish, correct, shorten the window, publish the report: the department's head."""
    return consultation.department_id in user_head_department_ids(user)


def can_moderate(user) -> bool:
    return has_role(user, Role.MODERATOR)


def can_comment(user, consultation) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return consultation.who_may_comment == WhoMayComment.SIGNED_IN or bool(user.email_confirmed)


def _get(consultation_id):
    try:
        return Consultation.objects.select_related("department", "topic").get(pk=consultation_id)
    except (Consultation.DoesNotExist, ValueError, TypeError):
        return None


def get_consultation_public(user, consultation_id) -> Consultation:
    """A published consultation for anyone; a draft only for its department."""
    consultation = _get(consultation_id)
    if consultation is None or (consultation.state == ConsultationState.DRAFT and not can_draft(user, consultation)):
        raise Http404("No consultation found")
    return consultation


def get_consultation_for_department(user, consultation_id) -> Consultation:
    consultation = _get(consultation_id)
    if consultation is None or not can_draft(user, consultation):
        logger.warning("consultation not shown: user=%s consultation=%s", getattr(user, "pk", None),
                       consultation_id)
        raise Http404("No consultation found")
    return consultation


def get_consultation_for_moderation(user, consultation_id) -> Consultation:
    consultation = _get(consultation_id)
    if consultation is None or consultation.state == ConsultationState.DRAFT or not can_moderate(user):
        logger.warning("consultation not moderated: user=%s consultation=%s", getattr(user, "pk", None),
                       consultation_id)
        raise Http404("No consultation found")
    return consultation
