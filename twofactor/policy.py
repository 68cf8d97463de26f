"""Who may, and who must, use two-factor authentication (TOTP).

Every staff account may set up a device; supervisors and administrators
must (settings.OTP_REQUIRED_FOR_ROLES, on unless turned off)."""

from django.conf import settings

from accounts.roles import Role, has_role, is_official, user_roles

STAFF_ROLES = frozenset(role.value for role in Role)


def is_staff_account(user) -> bool:
    """Anyone who works in the portal rather than only asks it: a department
    membership, a staff role, or access to the Django admin."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return bool(STAFF_ROLES & user_roles(user)) or is_official(user)


def requires_two_factor(user) -> bool:
    """Supervisors and administrators (superusers, and anyone who can open
    the Django admin) must verify a code before they can do anything."""
    if not getattr(settings, "OTP_REQUIRED_FOR_ROLES", True):
        return False
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.is_staff:
        return True
    return has_role(user, Role.SUPERVISOR)


def awaits_two_factor(user) -> bool:
    """A signed-in user who must use two-factor authentication and whose
    session has not confirmed a code yet (django_otp's OTPMiddleware gives
    the session's user is_verified(); without it, nothing is confirmed)."""
    if not requires_two_factor(user):
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (callable(is_verified) and is_verified())
