"""Role checks as DRF permission classes, over the same helpers the pages
use (accounts.roles, petitions.permissions). Case-level checks are not
here: a case is found through petitions.permissions.cases_visible_to and
each action asks the action registry whether it is offered."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from accounts.roles import Role, has_role, is_official
from petitions.permissions import can_dispatch, can_record_for_citizens


class IsOfficial(BasePermission):
    message = _("Only officials of a department can use the inbox.")

    def has_permission(self, request, view):
        return is_official(request.user)


class IsDispatcher(BasePermission):
    message = _("Only dispatchers can use the routing centre.")

    def has_permission(self, request, view):
        return can_dispatch(request.user)


class IsSupervisor(BasePermission):
    message = _("Only supervisors can read this.")

    def has_permission(self, request, view):
        return has_role(request.user, Role.SUPERVISOR)


class IsOperator(BasePermission):
    message = _("Only operators record cases on a citizen's behalf.")

    def has_permission(self, request, view):
        return can_record_for_citizens(request.user)
