"""The case lifecycle: its states and which action may be taken from which.

Every service that moves a case calls `require_transition` while it holds
the case's row lock, so a refused action changes nothing."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.errors import TransitionNotAllowed


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    ROUTING_CENTRE = "routing_centre", _("awaiting dispatch")
    DISPATCHED = "dispatched", _("dispatched")
    RETURNED = "returned", _("returned to the routing centre")
    ACCEPTED = "accepted", _("signed for")
    MATERIAL_REQUESTED = "material_requested", _("waiting for the citizen's material")
    PENDING_APPROVAL = "pending_approval", _("reply awaiting approval")
    REPLIED = "replied", _("replied")
    CLOSED = "closed", _("closed")
    REJECTED = "rejected", _("rejected")
    MERGED = "merged", _("merged into another case")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Action(models.TextChoices):
    ROUTE = "route", _("route")
    DISPATCH = "dispatch", _("dispatch")
    RETURN = "return", _("return")
    REROUTE = "reroute", _("re-route")
    SEND_BACK = "send_back", _("send back to the department")
    REJECT = "reject", _("reject")
    MERGE = "merge", _("merge")
    WITHDRAW = "withdraw", _("withdraw")
    SIGN_FOR = "sign_for", _("sign for")
    ASSIGN = "assign", _("assign")
    REQUEST_MATERIAL = "request_material", _("ask for more material")
    ADD_MATERIAL = "add_material", _("add material")
    GIVE_OPINION = "give_opinion", _("give an assisting opinion")
    REPLY = "reply", _("reply")
    APPROVE_REPLY = "approve_reply", _("approve the reply")
    REFUSE_REPLY = "refuse_reply", _("send the reply back")
    RECORD_RETURN_VISIT = "record_return_visit", _("record a return visit")
    GIVE_FEEDBACK = "give_feedback", _("rate the answer")
    ISSUE_ORDER = "issue_order", _("issue a supervision order")


# Cases still being worked on: a department holds them and they can change hands.
IN_DEPARTMENT = frozenset({Status.DISPATCHED, Status.ACCEPTED, Status.MATERIAL_REQUESTED, Status.PENDING_APPROVAL})
# States that end a case's life, for now or for good.
FINISHED = frozenset({Status.REPLIED, Status.CLOSED, Status.REJECTED, Status.MERGED, Status.WITHDRAWN})

# action -> (states it may be taken from, state it leads to; None when the
# service decides, e.g. routing ends dispatched or in the routing centre).
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    Action.ROUTE: (frozenset({Status.SUBMITTED}), None),
    Action.DISPATCH: (frozenset({Status.ROUTING_CENTRE}), Status.DISPATCHED),
    # 退单: the department says the case is not theirs; the dispatcher decides.
    Action.RETURN: (frozenset({Status.DISPATCHED}), Status.RETURNED),
    Action.REROUTE: (frozenset({Status.RETURNED}), Status.DISPATCHED),
    Action.SEND_BACK: (frozenset({Status.RETURNED}), Status.DISPATCHED),
    Action.REJECT: (frozenset({Status.ROUTING_CENTRE, Status.RETURNED}), Status.REJECTED),
    Action.MERGE: (frozenset({Status.ROUTING_CENTRE, Status.RETURNED, Status.DISPATCHED}), Status.MERGED),
    # A citizen may withdraw anything not yet answered.
    Action.WITHDRAW: (
        frozenset({Status.SUBMITTED, Status.ROUTING_CENTRE, Status.RETURNED} | IN_DEPARTMENT),
        Status.WITHDRAWN,
    ),
    Action.SIGN_FOR: (frozenset({Status.DISPATCHED}), Status.ACCEPTED),
    Action.ASSIGN: (IN_DEPARTMENT, None),
    Action.REQUEST_MATERIAL: (frozenset({Status.ACCEPTED}), Status.MATERIAL_REQUESTED),
    Action.ADD_MATERIAL: (frozenset({Status.MATERIAL_REQUESTED}), Status.ACCEPTED),
    Action.GIVE_OPINION: (IN_DEPARTMENT, None),
    # Where the department requires it, a reply waits for the head's approval.
    Action.REPLY: (frozenset({Status.ACCEPTED}), None),
    Action.APPROVE_REPLY: (frozenset({Status.PENDING_APPROVAL}), Status.REPLIED),
    Action.REFUSE_REPLY: (frozenset({Status.PENDING_APPROVAL}), Status.ACCEPTED),
    Action.RECORD_RETURN_VISIT: (frozenset({Status.REPLIED, Status.CLOSED}), None),
    # Rating closes the case, or (unsatisfied, once) reopens it for re-handling.
    Action.GIVE_FEEDBACK: (frozenset({Status.REPLIED}), None),
    Action.ISSUE_ORDER: (IN_DEPARTMENT | {Status.RETURNED, Status.REPLIED}, None),
}


def save_transition(case, *, actor, event: str, fields: list[str]) -> None:
    """Save a case a service has changed: only the changed fields, a new
    version (so stale forms are refused), and the history entry naming who
    acted and the event."""
    case.version += 1
    case._history_user = actor
    case._change_reason = event
    case.save(update_fields=[*fields, "version"])


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
