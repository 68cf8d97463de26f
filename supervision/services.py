"""What supervisors, officials, citizens and administrators do to clocks:
extensions, corrections, supervision orders (督办) and feedback. Same order
as every service: check, lock, change, record, notify after commit."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role, has_role, user_department_ids
from notifications.models import Event
from notifications.services import notify, notify_citizen, notify_department, people_with_role
from petitions.lifecycle import Action, Status, require_transition, save_transition
from petitions.models import Case
from petitions.permissions import can_handle, is_owner, log_refusal
from portal.errors import ActionForbidden, DomainError
from supervision import clocks, tallies
from supervision.models import (
    ClockEvent,
    ClockKind,
    ClockState,
    Extension,
    Feedback,
    SupervisionClock,
    SupervisionOrder,
)
from supervision.tallies import tally_feedback


def _require_supervisor(actor, case, action: str) -> None:
    if not has_role(actor, Role.SUPERVISOR):
        log_refusal(actor, case, action)
        raise ActionForbidden(_("Only supervisors can do this."))


def _sync_case_due(case: Case, *, actor, event: str) -> None:
    """Keep the case's due time (read by the inboxes) equal to its clocks'.
    Its history entry names the event, so the case's history never shows
    an unexplained change."""
    due_at = clocks.case_due_at(case)
    if due_at == case.due_at:
        return
    case.due_at = due_at
    case._history_user = actor
    case._change_reason = event
    case.save(update_fields=["due_at"])


# --- extensions ------------------------------------------------------------------------


def extension_request(*, actor, clock_id: int, reason: str, new_due_at: datetime) -> Extension:
    """An official asks for more time, before the due time, with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why more time is needed."))
    with transaction.atomic():
        # Only the clock's row: its case is read, and a clock's case may be
        # none (a clock on another subject), which FOR UPDATE cannot join.
        clock = SupervisionClock.objects.select_for_update(of=("self",)).select_related("case").get(pk=clock_id)
        if not can_handle(actor, clock.case) or clock.department_id != clock.case.lead_department_id:
            log_refusal(actor, clock.case, "extension_request")
            raise ActionForbidden(_("Only officials of the department on the clock can ask for more time."))
        now = timezone.now()
        if clock.state not in (ClockState.RUNNING, ClockState.PAUSED) or now >= clock.due_at:
            raise DomainError(_("An extension must be asked for before the deadline passes."))
        if new_due_at <= clock.due_at:
            raise DomainError(_("Choose a new due time later than the current one."))
        if clock.extensions.filter(state=Extension.State.PENDING).exists():
            raise DomainError(_("An extension for this deadline is already waiting for a supervisor."))
        extension = Extension.objects.create(clock=clock, requested_by=actor, requested_at=now, reason=reason,
                                             requested_due_at=new_due_at)
        notify(event=Event.EXTENSION_REQUESTED, case=clock.case, users=people_with_role(Role.SUPERVISOR),
               occurrence=str(extension.pk))
        return extension


def extension_approve(*, actor, extension_id: int, note: str = "") -> Extension:
    with transaction.atomic():
        extension = Extension.objects.select_for_update().select_related("clock").get(pk=extension_id)
        # The case before its clock, as the case services lock them, so the
        # case's save after the clock's event never waits (supervision/ledger.py).
        case = Case.objects.select_for_update().get(pk=extension.clock.case_id)
        clock = SupervisionClock.objects.select_for_update().get(pk=extension.clock_id)
        _require_supervisor(actor, case, "extension_approve")
        if extension.state != Extension.State.PENDING:
            raise DomainError(_("This extension has already been decided."))
        now = timezone.now()
        _set_due(clock, extension.requested_due_at, at=now, actor=actor, action=ClockEvent.Action.EXTENDED,
                 reason=extension.reason)
        extension.state, extension.decided_by, extension.decided_at = Extension.State.APPROVED, actor, now
        extension.decision_note = note.strip()
        extension.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        _sync_case_due(case, actor=actor, event="deadline_extended")
        notify(event=Event.EXTENSION_DECIDED, case=case, users=[extension.requested_by], occurrence=str(extension.pk))
        notify_citizen(event=Event.NEW_DUE_DATE, case=case, occurrence=str(extension.pk))
        return extension


def extension_refuse(*, actor, extension_id: int, note: str) -> Extension:
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Say why the extension is refused."))
    with transaction.atomic():
        extension = (Extension.objects.select_for_update(of=("self",)).select_related("clock__case")
                     .get(pk=extension_id))
        _require_supervisor(actor, extension.clock.case, "extension_refuse")
        if extension.state != Extension.State.PENDING:
            raise DomainError(_("This extension has already been decided."))
        extension.state, extension.decided_by, extension.decided_at = Extension.State.REFUSED, actor, timezone.now()
        extension.decision_note = note
        extension.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        notify(event=Event.EXTENSION_DECIDED, case=extension.clock.case, users=[extension.requested_by],
               occurrence=str(extension.pk))
        return extension


def clock_correct(*, actor, clock_id: int, new_due_at: datetime, reason: str) -> SupervisionClock:
    """An administrator's correction of a due time, with a stated reason."""
    reason = (reason or "").strip()
    if not getattr(actor, "is_superuser", False):
        raise ActionForbidden(_("Only administrators correct deadlines."))
    if not reason:
        raise DomainError(_("A correction needs a stated reason."))
    with transaction.atomic():
        # The case before its clock, as in extension_approve.
        case_id = SupervisionClock.objects.filter(pk=clock_id).values_list("case_id", flat=True).get()
        case = Case.objects.select_for_update().get(pk=case_id)
        clock = SupervisionClock.objects.select_for_update().get(pk=clock_id)
        clock.case = case
        _set_due(clock, new_due_at, at=timezone.now(), actor=actor, action=ClockEvent.Action.CORRECTED, reason=reason)
        _sync_case_due(case, actor=actor, event="deadline_corrected")
        return clock


def _set_due(clock: SupervisionClock, new_due_at: datetime, *, at, actor, action, reason) -> None:
    """Move a due time; the warning moves with it, and a reminder or breach
    notice not yet sent for the new time will be sent again by the scan."""
    working = clocks.calendar()
    if clock.limit_unit and clock.limit_unit != "hours":
        left = working.working_hours_between(at, new_due_at)
        clock.warn_at = working.add_working_hours(at, left * 0.75)
    else:
        clock.warn_at = at + (new_due_at - at) * 0.75
    clock.due_at = new_due_at
    if clock.warn_at > at:
        clock.reminded_at = None
    before = tallies.clock_key(clock)
    if clock.state == ClockState.BREACHED and clock.stopped_at is None and new_due_at > at:
        clock.state, clock.breached_at, clock.escalate_at = ClockState.RUNNING, None, None
    clock.save(update_fields=["due_at", "warn_at", "reminded_at", "state", "breached_at", "escalate_at"])
    clocks.record(clock, action, at=at, actor=actor, reason=reason)
    tallies.clock_moved(clock, before)


# --- supervision orders (督办) ----------------------------------------------------------------


def order_issue(*, actor, case_id: int, instructions: str, due_at: datetime) -> SupervisionOrder:
    instructions = (instructions or "").strip()
    if not instructions:
        raise DomainError(_("Write the instructions for the department."))
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case_id)
        _require_supervisor(actor, case, "order_issue")
        if case.lead_department_id is None:
            raise DomainError(_("The case has no department to instruct yet."))
        now = timezone.now()
        if due_at <= now:
            raise DomainError(_("The answer must be due in the future."))
        order = SupervisionOrder.objects.create(case=case, department_id=case.lead_department_id, issued_by=actor,
                                                issued_at=now, instructions=instructions, due_at=due_at)
        clocks.clock_start(case=case, kind=ClockKind.ORDER, start=now, department=case.lead_department,
                           actor=actor, order=order, due_at=due_at)
        notify_department(event=Event.ORDER_ISSUED, case=case, department_id=case.lead_department_id,
                          occurrence=str(order.pk))
        return order


def order_answer(*, actor, order_id: int, response: str) -> SupervisionOrder:
    response = (response or "").strip()
    if not response:
        raise DomainError(_("Write the department's answer."))
    with transaction.atomic():
        order = SupervisionOrder.objects.select_for_update().select_related("case").get(pk=order_id)
        if order.department_id not in user_department_ids(actor):
            log_refusal(actor, order.case, "order_answer")
            raise ActionForbidden(_("Only the instructed department can answer the order."))
        if order.state != SupervisionOrder.State.OPEN:
            raise DomainError(_("This order has already been answered."))
        now = timezone.now()
        order.state, order.response, order.responded_by, order.responded_at = (
            SupervisionOrder.State.ANSWERED, response, actor, now)
        order.save(update_fields=["state", "response", "responded_by", "responded_at"])
        clocks.clocks_stop(case=order.case, kinds=[ClockKind.ORDER], at=now, actor=actor)
        notify(event=Event.ORDER_ANSWERED, case=order.case, users=[order.issued_by], occurrence=str(order.pk))
        return order


def order_close(*, actor, order_id: int) -> SupervisionOrder:
    with transaction.atomic():
        order = SupervisionOrder.objects.select_for_update().select_related("case").get(pk=order_id)
        _require_supervisor(actor, order.case, "order_close")
        if order.state == SupervisionOrder.State.CLOSED:
            raise DomainError(_("This order is already closed."))
        now = timezone.now()
        clocks.clocks_stop(case=order.case, kinds=[ClockKind.ORDER], at=now, actor=actor, reason="closed")
        order.state, order.closed_by, order.closed_at = SupervisionOrder.State.CLOSED, actor, now
        order.save(update_fields=["state", "closed_by", "closed_at"])
        return order


# --- feedback, re-handling and closing ---------------------------------------------------------


def feedback_give(*, actor, case_id: int, resolved: bool, satisfaction: str, comment: str = "",
                  reopen: bool = False, recorded_by=None) -> Feedback:
    """The citizen rates the reply within the window. Unsatisfied may reopen
    the case once for re-handling; otherwise the case closes."""
    if satisfaction not in Feedback.Satisfaction.values:
        raise DomainError(_("Choose how satisfied you are."))
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case_id)
        if recorded_by is None and not is_owner(actor, case):
            log_refusal(actor, case, "feedback")
            raise ActionForbidden(_("Only the citizen who filed the case can rate its answer."))
        require_transition(case, Action.GIVE_FEEDBACK)
        if reopen and satisfaction != Feedback.Satisfaction.UNSATISFIED:
            raise DomainError(_("Only an unsatisfied citizen can ask for the case to be handled again."))
        if reopen and case.reopened_count >= 1:
            raise DomainError(_("This case has already been handled again once; it cannot be reopened."))
        now = timezone.now()
        reply = case.replies(manager="published").order_by("-published_at", "-id").first()
        feedback = Feedback.objects.create(
            case=case, reply=reply, department_id=reply.department_id, resolved=resolved,
            satisfaction=satisfaction, comment=comment.strip(), reopened=reopen, given_at=now,
            recorded_by=recorded_by,
        )
        tally_feedback(feedback, case)
        clocks.clocks_stop(case=case, kinds=[ClockKind.FEEDBACK], at=now, actor=actor)
        if reopen:
            case.status = Status.ACCEPTED
            case.reopened_count += 1
            case.replied_at = None
            clocks.clock_start(case=case, kind=ClockKind.REHANDLING, start=now, department=case.lead_department,
                               actor=actor)
            case.due_at = clocks.case_due_at(case)
            save_transition(case, actor=actor, event="reopened",
                            fields=["status", "reopened_count", "replied_at", "due_at"])
            notify_department(event=Event.NEW_CASE, case=case, department_id=case.lead_department_id,
                              occurrence=f"reopen-{feedback.pk}")
        else:
            case.status = Status.CLOSED
            case.closed_at = now
            # The feedback clock has stopped: the due time goes with the same history entry.
            case.due_at = clocks.case_due_at(case)
            save_transition(case, actor=actor, event="closed", fields=["status", "closed_at", "due_at"])
        return feedback


def case_close_unevaluated(*, case_id: int) -> Case | None:
    """The feedback window ended without a rating: the case closes as not
    evaluated. Run by the scan; does nothing if the case moved on."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case_id)
        now = timezone.now()
        clocks.clocks_stop(case=case, kinds=[ClockKind.FEEDBACK], at=now, reason="window ended")
        if case.status != Status.REPLIED:
            return None
        case.status = Status.CLOSED
        case.closed_at = now
        case.due_at = clocks.case_due_at(case)
        save_transition(case, actor=None, event="closed_unevaluated", fields=["status", "closed_at", "due_at"])
        notify_citizen(event=Event.CLOSED, case=case)
        return case
