"""Who someone is in the portal. Staff roles are Django groups named after
Role values (editable in the admin); an official is anyone with a
department membership. Results are cached on the user object, so a request
asks the database once however often it checks."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OPERATOR = "operator", _("operator")
    DISPATCHER = "dispatcher", _("dispatcher")
    SUPERVISOR = "supervisor", _("supervisor")
    MODERATOR = "moderator", _("moderator")
    # Runs live interviews (interviews/): schedules them, screens the
    # questions, posts for the guests and closes them.
    INTERVIEW_HOST = "interview_host", _("interview host")


def user_roles(user) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_wz_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._wz_roles = cached
    return cached


def has_role(user, role: Role) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return role.value in user_roles(user)


def user_department_ids(user) -> frozenset[int]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_wz_department_ids", None)
    if cached is None:
        cached = frozenset(user.memberships.values_list("department_id", flat=True))
        user._wz_department_ids = cached
    return cached


def user_head_department_ids(user) -> frozenset[int]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_wz_head_department_ids", None)
    if cached is None:
        cached = frozenset(user.memberships.filter(is_head=True).values_list("department_id", flat=True))
        user._wz_head_department_ids = cached
    return cached


def is_official(user) -> bool:
    return bool(user_department_ids(user))


def sees_every_case(user) -> bool:
    """Supervisors audit everything; dispatchers route everything."""
    return has_role(user, Role.SUPERVISOR) or has_role(user, Role.DISPATCHER)
