"""Who may see and act on a case, in one place for pages and the API alike.

`get_case_for_user` raises the same 404 for a case that does not exist and
one the user may not see, so nobody learns that a case exists; each refusal
is logged for the audit."""

import logging

from django.db.models import Q
from django.http import Http404

from accounts.roles import Role, has_role, sees_every_case, user_department_ids
from petitions.models import Case

logger = logging.getLogger("wenzheng.access")


def cases_visible_to(user, queryset=None):
    queryset = Case.objects.all() if queryset is None else queryset
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if user.is_superuser or sees_every_case(user):
        return queryset
    return queryset.filter(Q(citizen=user) | Q(lead_department_id__in=user_department_ids(user)))


def get_case_for_user(user, case_id, queryset=None) -> Case:
    try:
        return cases_visible_to(user, queryset).get(pk=case_id)
    except (Case.DoesNotExist, ValueError, TypeError):
        logger.warning("case not shown: user=%s case=%s", getattr(user, "pk", None), case_id)
        raise Http404("No case found") from None


def can_handle(user, case) -> bool:
    """Officials act on their departments' cases."""
    return case.lead_department_id is not None and case.lead_department_id in user_department_ids(user)


def can_dispatch(user) -> bool:
    return has_role(user, Role.DISPATCHER)


def is_owner(user, case) -> bool:
    return getattr(user, "is_authenticated", False) and case.citizen_id == user.pk
