"""Puts the user's roles and unread count in every template, for the navigation."""

from accounts.roles import Role, has_role, is_official


def roles(request):
    user = request.user
    if not user.is_authenticated:
        return {}
    from notifications.selectors import unread_count

    flags = {
        "is_official": is_official(user),
        "is_dispatcher": has_role(user, Role.DISPATCHER),
        "is_supervisor": has_role(user, Role.SUPERVISOR),
        "is_operator": has_role(user, Role.OPERATOR),
        "is_moderator": has_role(user, Role.MODERATOR),
    }
    # Staff see their work in the menu, not a citizen's "Submit a case" and "My cases".
    flags["is_staff_member"] = any(flags.values()) or user.is_staff
    flags["unread_notifications"] = unread_count(user)
    return flags
