"""The case lifecycle's transitions after submission: routing, dispatch by
hand, signing for and replying. Each one locks the case row, checks the
transition against petitions.lifecycle while holding the lock, saves only
the fields it changes, records the event, and schedules side effects after
commit, so a refused or failed action leaves nothing half-applied."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department
from petitions.lifecycle import Action, Status, require_transition
from petitions.models import Case
from petitions.permissions import can_dispatch, can_handle
from portal.errors import ActionForbidden, DomainError
from portal.queue import enqueue_on_commit
from responses.models import Reply, RoutingDecision, RoutingMethod
from responses.routing import first_matching_rule
from supervision.deadlines import reply_due, sign_for_due


def _locked_case(case_id: int) -> Case:
    return Case.objects.select_for_update().get(pk=case_id)


def _save(case: Case, *, actor, reason: str, fields: list[str]) -> None:
    case._history_user = actor
    case._change_reason = reason
    case.save(update_fields=fields)


def case_route(*, case_id: int) -> RoutingDecision | None:
    """Route a submitted case by the rules. Running it again for a case that
    has already been routed does nothing and returns None."""
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("category__parent", "region__parent")
            .get(pk=case_id)
        )
        if case.status != Status.SUBMITTED:
            return None
        require_transition(case, Action.ROUTE)
        rule = first_matching_rule(case)
        now = timezone.now()
        if rule is None:
            case.status = Status.ROUTING_CENTRE
            _save(case, actor=None, reason="routing_centre", fields=["status"])
            return RoutingDecision.objects.create(case=case, method=RoutingMethod.NO_MATCH, decided_at=now)
        _dispatch(case, department=rule.lead_department, now=now)
        _save(case, actor=None, reason="routed",
              fields=["status", "lead_department", "dispatched_at", "due_at"])
        return RoutingDecision.objects.create(
            case=case, method=RoutingMethod.RULE, rule=rule, department=rule.lead_department, decided_at=now
        )


def case_dispatch(*, actor, case_id: int, department: Department, note: str = "") -> RoutingDecision:
    """A dispatcher sends a case from the routing centre to a department."""
    if not can_dispatch(actor):
        raise ActionForbidden(_("Only dispatchers can dispatch cases."))
    if not department.is_active:
        raise DomainError(_("That department is no longer active."))
    with transaction.atomic():
        case = _locked_case(case_id)
        require_transition(case, Action.DISPATCH)
        now = timezone.now()
        _dispatch(case, department=department, now=now)
        _save(case, actor=actor, reason="dispatched",
              fields=["status", "lead_department", "dispatched_at", "due_at"])
        return RoutingDecision.objects.create(
            case=case, method=RoutingMethod.MANUAL, department=department,
            decided_by=actor, decided_at=now, note=note,
        )


def _dispatch(case: Case, *, department: Department, now) -> None:
    case.status = Status.DISPATCHED
    case.lead_department = department
    case.dispatched_at = now
    case.due_at = sign_for_due(case, now)


def case_sign_for(*, actor, case_id: int) -> Case:
    """An official of the lead department accepts responsibility (签收)."""
    with transaction.atomic():
        case = _locked_case(case_id)
        if not can_handle(actor, case):
            raise ActionForbidden(_("Only officials of the case's department can sign for it."))
        require_transition(case, Action.SIGN_FOR)
        now = timezone.now()
        case.status = Status.ACCEPTED
        case.signed_for_at = now
        case.due_at = reply_due(case, now)
        _save(case, actor=actor, reason="signed_for", fields=["status", "signed_for_at", "due_at"])
        return case


def case_reply(*, actor, case_id: int, body: str) -> Reply:
    """Publish the department's answer to the citizen."""
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Write the reply before sending it."))
    with transaction.atomic():
        case = _locked_case(case_id)
        if not can_handle(actor, case):
            raise ActionForbidden(_("Only officials of the case's department can reply to it."))
        require_transition(case, Action.REPLY)
        now = timezone.now()
        reply = Reply(case=case, department_id=case.lead_department_id, author=actor, body=body, created_at=now)
        reply._history_user = actor
        reply.save()
        case.status = Status.REPLIED
        case.replied_at = now
        case.due_at = None
        _save(case, actor=actor, reason="replied", fields=["status", "replied_at", "due_at"])
        from responses.tasks import notify_citizen_of_reply

        enqueue_on_commit(notify_citizen_of_reply, reply.id)
        return reply


def reply_notification_claim(*, reply_id: int) -> Reply | None:
    """Claim the right to e-mail a reply; None if it was already sent."""
    claimed = Reply.objects.filter(id=reply_id, citizen_notified_at=None).update(citizen_notified_at=timezone.now())
    if not claimed:
        return None
    return Reply.objects.select_related("case", "department").get(id=reply_id)


def reply_notification_release(*, reply_id: int) -> None:
    Reply.objects.filter(id=reply_id).update(citizen_notified_at=None)


def unrouted_case_ids(*, older_than_seconds: int, limit: int = 500) -> list[int]:
    """Cases whose routing message may have been lost."""
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    return list(
        Case.objects.filter(status=Status.SUBMITTED, submitted_at__lt=cutoff)
        .order_by("submitted_at")
        .values_list("id", flat=True)[:limit]
    )
