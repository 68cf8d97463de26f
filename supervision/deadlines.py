"""The deadline a case is held to now, named by its clock, and the date by
which its citizen can expect an answer.

Both are read from the case row alone. Its status says which clock holds
it (DOMAIN.md's clock table), and the lifecycle services keep `Case.due_at`
equal to the due time of the open department clock, so a list of cases
shows them without a query per row. The dispatch clock, which `Case.due_at`
does not carry, and the estimates come from the deadline policies and the
calendar, each read once per process (supervision.clocks, .calendar)."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petitions.lifecycle import Status
from supervision.calendar import add_limit
from supervision.clocks import policy_for
from supervision.models import ClockKind

LABELS = {
    ClockKind.DISPATCH: _("Dispatch deadline"),
    ClockKind.SIGN_FOR: _("Sign-for deadline"),
    ClockKind.REPLY: _("Reply deadline"),
    ClockKind.REHANDLING: _("Re-handling deadline"),
    ClockKind.ORDER: _("Supervision order deadline"),
}

# The clock that holds a case in each status; a reopened case's reply
# clock is its re-handling clock.
HELD_BY = {
    Status.SUBMITTED: ClockKind.DISPATCH,
    Status.ROUTING_CENTRE: ClockKind.DISPATCH,
    Status.DISPATCHED: ClockKind.SIGN_FOR,
    Status.ACCEPTED: ClockKind.REPLY,
    Status.MATERIAL_REQUESTED: ClockKind.REPLY,
    Status.PENDING_APPROVAL: ClockKind.REPLY,
}
# The steps still to come before the answer, after each kind of clock.
STEPS_AFTER = {
    ClockKind.DISPATCH: (ClockKind.SIGN_FOR, ClockKind.REPLY),
    ClockKind.SIGN_FOR: (ClockKind.REPLY,),
}


@dataclass(frozen=True)
class Deadline:
    kind: str
    due_at: datetime | None  # None while the clock is paused
    paused: bool = False

    @property
    def label(self) -> str:
        return LABELS[self.kind]

    def is_overdue(self, now: datetime | None = None) -> bool:
        return self.due_at is not None and self.due_at <= (now or timezone.now())


@dataclass(frozen=True)
class AnswerBy:
    at: datetime | None  # None while the clock waits for the citizen's material
    # True when no reply clock runs yet: the date then assumes every step
    # still to come takes the full time its policy allows.
    estimate: bool
    waits_for_material: bool = False


def case_deadline(case) -> Deadline | None:
    """The deadline the case is held to now, or None when no clock holds it
    (answered, closed, returned to the routing centre, ended)."""
    kind = HELD_BY.get(case.status)
    if kind is None:
        return None
    if kind == ClockKind.REPLY and case.reopened_count:
        kind = ClockKind.REHANDLING
    if case.status == Status.MATERIAL_REQUESTED:
        return Deadline(kind, None, paused=True)
    due_at = _limit_from(case, kind, case.submitted_at) if kind == ClockKind.DISPATCH else case.due_at
    return Deadline(kind, due_at) if due_at is not None else None


def answer_expected_by(case, *, now: datetime | None = None) -> AnswerBy | None:
    """When the citizen will have an answer: the reply (or re-handling)
    deadline once that clock runs; before, an estimate: from the current
    deadline (or now, if later) each step still to come taking its full
    limit. So the date only moves later when a deadline is missed or
    extended. None once answered or ended."""
    now = now or timezone.now()
    held = case_deadline(case)
    if held is not None and held.kind in (ClockKind.REPLY, ClockKind.REHANDLING):
        return AnswerBy(None, estimate=False, waits_for_material=True) if held.paused else AnswerBy(
            held.due_at, estimate=False)
    if held is not None:
        moment, steps = max(now, held.due_at), STEPS_AFTER[held.kind]
    elif case.status == Status.RETURNED:
        # The routing centre decides on the return under no clock of its own.
        moment, steps = now, STEPS_AFTER[ClockKind.DISPATCH]
    else:
        return None
    for kind in steps:
        moment = _limit_from(case, kind, moment)
    return AnswerBy(moment, estimate=True)


def _limit_from(case, kind: str, start: datetime) -> datetime:
    policy = policy_for(kind, case)
    return add_limit(start, policy.amount, policy.unit)


def deadline_data(case, *, now: datetime | None = None) -> dict | None:
    """case_deadline as plain data (the API's representation)."""
    deadline = case_deadline(case)
    if deadline is None:
        return None
    return {"kind": deadline.kind, "label": str(deadline.label), "due_at": deadline.due_at,
            "paused": deadline.paused, "overdue": deadline.is_overdue(now)}


def answer_data(case, *, now: datetime | None = None) -> dict | None:
    """answer_expected_by as plain data (the API's representation)."""
    answer = answer_expected_by(case, now=now)
    if answer is None:
        return None
    return {"at": answer.at, "estimate": answer.estimate, "waits_for_material": answer.waits_for_material}


def row_state(case, *, now: datetime | None = None) -> str:
    """What a list row's deadline and answer date depend on besides the case
    row (and the policies and calendar): whether the deadline has passed, and
    the minute, when the estimated answer date is counted from the present."""
    now = now or timezone.now()
    held = case_deadline(case)
    from_now = f"now:{int(now.timestamp() // 60)}"
    if held is None:
        return from_now if case.status == Status.RETURNED else "-"
    if held.paused:
        return "paused"
    overdue = held.is_overdue(now)
    if overdue and held.kind not in (ClockKind.REPLY, ClockKind.REHANDLING):
        return from_now
    return f"{held.kind}:{held.due_at.timestamp()}:{int(overdue)}"
