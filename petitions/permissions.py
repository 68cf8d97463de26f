"""Who may see and act on a case, in one place for pages and the API alike.

`get_case_for_user` raises the same 404 for a case that does not exist and
one the user may not see, so nobody learns that a case exists; each refusal
is logged for the audit."""

import logging

from django.db.models import Q
from django.http import Http404

from accounts.roles import Role, has_role, sees_every_case, user_department_ids, user_head_department_ids
from petitions.models import Case, Channel

logger = logging.getLogger("wenzheng.access")

OFFLINE_CHANNELS = (Channel.PHONE, Channel.WALK_IN)


def cases_visible_to(user, queryset=None):
    """Citizens: their own cases and the earlier cases theirs were merged
    into. Officials: their departments' cases, led or assisted. Operators:
    the cases that came in by phone or in person. Dispatchers, supervisors
    and administrators: every case."""
    queryset = Case.objects.all() if queryset is None else queryset
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if user.is_superuser or sees_every_case(user):
        return queryset
    from responses.models import CaseAssistance

    merged_from_own = Case.objects.filter(citizen=user).exclude(merged_into=None).values("merged_into")
    visible = Q(citizen=user) | Q(id__in=merged_from_own)
    departments = user_department_ids(user)
    if departments:
        visible |= Q(lead_department_id__in=departments)
        visible |= Q(id__in=CaseAssistance.objects.filter(department_id__in=departments).values("case_id"))
    if has_role(user, Role.OPERATOR):
        visible |= Q(channel__in=OFFLINE_CHANNELS)
    return queryset.filter(visible)


def get_case_for_user(user, case_id, queryset=None) -> Case:
    try:
        return cases_visible_to(user, queryset).get(pk=case_id)
    except (Case.DoesNotExist, ValueError, TypeError):
        logger.warning("case not shown: user=%s case=%s", getattr(user, "pk", None), case_id)
        raise Http404("No case found") from None


def log_refusal(user, case, action: str) -> None:
    logger.warning("action refused: user=%s case=%s action=%s", getattr(user, "pk", None), case.pk, action)


def can_handle(user, case) -> bool:
    """Officials of the lead department work the case."""
    return case.lead_department_id is not None and case.lead_department_id in user_department_ids(user)


def is_head_for(user, case) -> bool:
    return case.lead_department_id is not None and case.lead_department_id in user_head_department_ids(user)


def assisting_department_ids(user, case) -> list[int]:
    """The user's departments that assist on the case (one query)."""
    departments = user_department_ids(user)
    if not departments:
        return []
    return list(case.assistances.filter(department_id__in=departments).values_list("department_id", flat=True))


def can_dispatch(user) -> bool:
    return has_role(user, Role.DISPATCHER)


def can_record_for_citizens(user) -> bool:
    return has_role(user, Role.OPERATOR)


def is_owner(user, case) -> bool:
    return getattr(user, "is_authenticated", False) and case.citizen_id is not None and case.citizen_id == user.pk


def is_follower(user, case) -> bool:
    """A citizen whose own case was merged into this one: they follow its
    progress and answer, not the other citizen's private details."""
    if not getattr(user, "is_authenticated", False) or is_owner(user, case):
        return False
    return case.merged_cases.filter(citizen=user).exists()
