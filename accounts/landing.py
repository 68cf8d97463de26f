"""Where a person lands after logging in: staff at their work, citizens at
the front page. A safe `next` given to the login still wins."""

from django.urls import reverse

from accounts.roles import Role, has_role, is_official

# The first role a person holds decides; an official's inbox before the rest,
# as most staff are officials and the others rarely also are.
LANDINGS = [
    (Role.DISPATCHER, "responses:routing_centre"),
    (Role.SUPERVISOR, "supervision:dashboard"),
    (Role.MODERATOR, "publication:moderation_queue"),
    (Role.OPERATOR, "petitions:case_record"),
]


def landing_url(user) -> str:
    if getattr(user, "is_superuser", False):
        return reverse("admin:index")
    if is_official(user):
        return reverse("responses:inbox")
    for role, name in LANDINGS:
        if has_role(user, role):
            return reverse(name)
    return reverse("home")
