"""Reads for officials and dispatchers: the inbox and the routing centre."""

from accounts.models import Department
from accounts.roles import user_department_ids
from petitions.lifecycle import Status
from petitions.selectors import case_list_queryset


def inbox_for_user(user, *, status: str | None = None):
    """The cases of the user's departments, newest first. Served by the
    case_inbox_idx / case_inbox_status_idx indexes."""
    cases = case_list_queryset().filter(lead_department_id__in=user_department_ids(user))
    if status:
        cases = cases.filter(status=status)
    return cases.order_by("-submitted_at", "-id")


def routing_centre_queue():
    """Cases no rule could route, oldest first: they have waited longest."""
    return case_list_queryset().filter(status=Status.ROUTING_CENTRE).order_by("submitted_at", "id")


def dispatchable_departments():
    return Department.objects.filter(is_active=True).select_related("parent").order_by("code")
