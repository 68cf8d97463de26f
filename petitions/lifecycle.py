"""The case lifecycle: its states and which action may be taken from which.

Every service that moves a case calls `require_transition` while it holds
the case's row lock, so a refused action changes nothing. Later issues add
return, re-route, reject, merge, withdraw, reopen and close here."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.errors import TransitionNotAllowed


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    ROUTING_CENTRE = "routing_centre", _("awaiting dispatch")
    DISPATCHED = "dispatched", _("dispatched")
    ACCEPTED = "accepted", _("signed for")
    REPLIED = "replied", _("replied")
    CLOSED = "closed", _("closed")


class Action(models.TextChoices):
    ROUTE = "route", _("route")
    DISPATCH = "dispatch", _("dispatch")
    SIGN_FOR = "sign_for", _("sign for")
    REPLY = "reply", _("reply")


# action -> (states it may be taken from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    # Routing leads to DISPATCHED or ROUTING_CENTRE depending on the rules.
    Action.ROUTE: (frozenset({Status.SUBMITTED}), None),
    Action.DISPATCH: (frozenset({Status.ROUTING_CENTRE}), Status.DISPATCHED),
    Action.SIGN_FOR: (frozenset({Status.DISPATCHED}), Status.ACCEPTED),
    Action.REPLY: (frozenset({Status.ACCEPTED}), Status.REPLIED),
}


def is_allowed(status: str, action: str) -> bool:
    sources, _target = TRANSITIONS[action]
    return status in sources


def require_transition(case, action: str) -> str | None:
    """Return the state `action` leads to, or refuse with a message a person
    can act on."""
    sources, target = TRANSITIONS[action]
    if case.status not in sources:
        raise TransitionNotAllowed(
            _("This case is %(status)s, so it cannot be given the action “%(action)s”.")
            % {"status": Status(case.status).label, "action": Action(action).label}
        )
    return target
