"""Puts the user's roles in every template, for the navigation."""

from accounts.roles import Role, has_role, is_official


def roles(request):
    user = request.user
    return {
        "is_official": is_official(user),
        "is_dispatcher": has_role(user, Role.DISPATCHER),
        "is_supervisor": has_role(user, Role.SUPERVISOR),
    }
