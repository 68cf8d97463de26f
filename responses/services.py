"""The case lifecycle's transitions after submission; each reverse
operation stands beside its forward one. Each locks the case row, checks
the actor and the transition while holding it (so two people acting at once
cannot both pass), refuses a form filled in on an older version, saves only
the changed fields, records the event, and leaves side effects to commit."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, DepartmentMembership
from notifications.models import Event
from notifications.services import notify, notify_citizen, notify_department, notify_dispatchers
from petitions.lifecycle import Action, Status, require_transition, save_transition
from petitions.models import Case, CaseRejection, Channel, MaterialRequest
from petitions.permissions import (
    assisting_department_ids,
    can_dispatch,
    can_handle,
    can_record_for_citizens,
    is_head_for,
    is_owner,
    log_refusal,
)
from portal.errors import ActionForbidden, CaseChanged, DomainError
from responses.models import (
    CaseAssistance,
    InternalNote,
    Reply,
    ReplyState,
    ReturnRequest,
    ReturnVisit,
    RoutingDecision,
    RoutingMethod,
)
from responses.routing import first_matching_rule
from supervision import clocks
from supervision.models import ClockKind

# --- shared steps -----------------------------------------------------------


def _lockable():
    """Cases locked for a transition, with what routing and notices read."""
    return Case.objects.select_for_update(of=("self",)).select_related("category__parent", "region__parent", "citizen")


def _lock(case_id: int, *, expected_version: int | None = None) -> Case:
    case = _lockable().get(pk=case_id)
    if expected_version is not None and case.version != expected_version:
        raise CaseChanged()
    return case


def _refuse(actor, case, action: str, message) -> None:
    log_refusal(actor, case, action)
    raise ActionForbidden(message)


def _require_text(text: str, message) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(message)
    return text


def _set_assisting(case: Case, departments) -> None:
    """Replace the assisting departments, keeping opinions already given."""
    wanted = {department.pk for department in departments if department.pk != case.lead_department_id}
    case.assistances.exclude(department_id__in=wanted).filter(opinion="").delete()
    existing = set(case.assistances.values_list("department_id", flat=True))
    CaseAssistance.objects.bulk_create(
        [CaseAssistance(case=case, department_id=department_id) for department_id in wanted - existing]
    )


def _send_to_department(case: Case, *, department: Department, now, actor=None) -> None:
    """The dispatch clock stops (if it ran), a sign-for clock left from an
    earlier dispatch is cancelled, and the department's sign-for clock
    starts."""
    clocks.clocks_stop(case=case, kinds=[ClockKind.DISPATCH], at=now, actor=actor)
    clocks.clocks_cancel_kinds(case=case, kinds=[ClockKind.SIGN_FOR], at=now, actor=actor, reason="re-dispatched")
    case.status = Status.DISPATCHED
    case.lead_department = department
    case.dispatched_at = now
    case.assigned_to = None
    clocks.clock_start(case=case, kind=ClockKind.SIGN_FOR, start=now, department=department, actor=actor)
    case.due_at = clocks.case_due_at(case)


def _announce_dispatch(case: Case, occurrence: str, *, assisting: bool = True) -> None:
    """assisting=False: the case has no assisting departments (routing by
    the rules never adds any), so none are looked up."""
    notify_department(event=Event.NEW_CASE, case=case, department_id=case.lead_department_id, occurrence=occurrence)
    assistances = case.assistances.values_list("department_id", flat=True) if assisting else ()
    for department_id in assistances:
        notify_department(event=Event.NEW_CASE, case=case, department_id=department_id, occurrence=occurrence)
    notify_citizen(event=Event.DISPATCHED, case=case, occurrence=occurrence)


_DISPATCH_FIELDS = ["status", "lead_department", "dispatched_at", "assigned_to", "due_at"]


# --- routing and dispatch -----------------------------------------------------


def case_route(*, case_id: int) -> RoutingDecision | None:
    """Route a submitted case by the rules. Running it again for a case that
    has already been routed does nothing and returns None."""
    with transaction.atomic():
        case = _lock(case_id)
        if case.status != Status.SUBMITTED:
            return None
        require_transition(case, Action.ROUTE)
        rule = first_matching_rule(case)
        now = timezone.now()
        if rule is None:
            case.status = Status.ROUTING_CENTRE
            save_transition(case, actor=None, event="routing_centre", fields=["status"])
            return RoutingDecision.objects.create(case=case, method=RoutingMethod.NO_MATCH, decided_at=now)
        _send_to_department(case, department=rule.lead_department, now=now)
        save_transition(case, actor=None, event="routed", fields=_DISPATCH_FIELDS)
        decision = RoutingDecision.objects.create(
            case=case, method=RoutingMethod.RULE, rule=rule, department=rule.lead_department, decided_at=now
        )
        _announce_dispatch(case, occurrence=str(decision.pk), assisting=False)
        return decision


def case_dispatch(
    *, actor, case_id: int, department: Department, assisting=(), note: str = "", expected_version=None
) -> RoutingDecision:
    """A dispatcher sends a case from the routing centre to a lead department
    (主办), optionally with assisting departments (协办)."""
    if not department.is_active:
        raise DomainError(_("That department is no longer active."))
    with transaction.atomic():
        case = _lock(case_id, expected_version=expected_version)
        if not can_dispatch(actor):
            _refuse(actor, case, Action.DISPATCH, _("Only dispatchers can dispatch cases."))
        require_transition(case, Action.DISPATCH)
        return _dispatch_by_hand(case, actor=actor, department=department, assisting=assisting, note=note,
                                 event="dispatched")


def _dispatch_by_hand(case, *, actor, department, assisting, note, event) -> RoutingDecision:
    now = timezone.now()
    _send_to_department(case, department=department, now=now, actor=actor)
    save_transition(case, actor=actor, event=event, fields=_DISPATCH_FIELDS)
    _set_assisting(case, assisting)
    decision = RoutingDecision.objects.create(
        case=case, method=RoutingMethod.MANUAL, department=department, decided_by=actor, decided_at=now, note=note
    )
    _announce_dispatch(case, occurrence=str(decision.pk))
    return decision


# --- return (退单) and the dispatcher's decision on it ------------------------


def case_return(*, actor, case_id: int, reason: str, expected_version=None) -> ReturnRequest:
    """The lead department says the case is not theirs, with a reason."""
    reason = _require_text(reason, _("Say why the case is not your department's."))
    with transaction.atomic():
        case = _lock(case_id, expected_version=expected_version)
        if not can_handle(actor, case):
            _refuse(actor, case, Action.RETURN, _("Only officials of the case's department can return it."))
        require_transition(case, Action.RETURN)
        returned = ReturnRequest.objects.create(
            case=case, department_id=case.lead_department_id, returned_by=actor, reason=reason
        )
        clocks.clocks_stop(case=case, kinds=[ClockKind.SIGN_FOR], at=returned.returned_at, actor=actor,
                           reason="returned")
        case.status = Status.RETURNED
        case.assigned_to = None
        case.due_at = None
        save_transition(case, actor=actor, event="returned", fields=["status", "assigned_to", "due_at"])
        notify_dispatchers(event=Event.NEW_RETURN, case=case, occurrence=str(returned.pk))
        return returned


def _decide_open_return(case, *, actor, decision: str, note: str = "") -> ReturnRequest | None:
    open_return = case.returns.filter(decided_at=None).order_by("-returned_at").first()
    if open_return is None:
        return None
    open_return.decision = decision
    open_return.decision_note = note
    open_return.decided_by = actor
    open_return.decided_at = timezone.now()
    open_return.save(update_fields=["decision", "decision_note", "decided_by", "decided_at"])
    notify_department(event=Event.RETURN_DECIDED, case=case, department_id=open_return.department_id,
                      occurrence=str(open_return.pk))
    return open_return


def return_reroute(
    *, actor, case_id: int, department: Department, assisting=(), note: str = "", expected_version=None
) -> RoutingDecision:
    """改派: the dispatcher agrees and sends the case to another department."""
    if not department.is_active:
        raise DomainError(_("That department is no longer active."))
    with transaction.atomic():
        case = _lock(case_id, expected_version=expected_version)
        if not can_dispatch(actor):
            _refuse(actor, case, Action.REROUTE, _("Only dispatchers can re-route cases."))
        require_transition(case, Action.REROUTE)
        if department.pk == case.lead_department_id:
            raise DomainError(_("Choose a different department, or send the case back to this one."))
        _decide_open_return(case, actor=actor, decision=ReturnRequest.Decision.REROUTED, note=note)
        return _dispatch_by_hand(case, actor=actor, department=department, assisting=assisting, note=note,
                                 event="rerouted")


def return_send_back(*, actor, case_id: int, note: str, expected_version=None) -> ReturnRequest:
    """The dispatcher disagrees: the case stays with the department."""
    note = _require_text(note, _("Tell the department why the case is theirs."))
    with transaction.atomic():
        case = _lock(case_id, expected_version=expected_version)
        if not can_dispatch(actor):
            _refuse(actor, case, Action.SEND_BACK, _("Only dispatchers can decide on returns."))
        require_transition(case, Action.SEND_BACK)
        decided = _decide_open_return(case, actor=actor, decision=ReturnRequest.Decision.SENT_BACK, note=note)
        now = timezone.now()
        case.status = Status.DISPATCHED
        case.dispatched_at = now
        clocks.clock_start(case=case, kind=ClockKind.SIGN_FOR, start=now, department=case.lead_department,
                           actor=actor)
        case.due_at = clocks.case_due_at(case)
        save_transition(case, actor=actor, event="sent_back", fields=["status", "dispatched_at", "due_at"])
        return decided


# --- endings a dispatcher or citizen chooses ---------------------------------


def case_reject(*, actor, case_id: int, reason, note: str = "", expected_version=None) -> CaseRejection:
    """Not a government matter, or abuse: rejected with a reason from the list."""
    if reason is None or not reason.is_active:
        raise DomainError(_("Choose a reason from the list."))
    with transaction.atomic():
        case = _lock(case_id, expected_version=expected_version)
        if not can_dispatch(actor):
            _refuse(actor, case, Action.REJECT, _("Only dispatchers can reject cases."))
        require_transition(case, Action.REJECT)
        rejection = CaseRejection.objects.create(case=case, reason=reason, note=note.strip(), rejected_by=actor)
        _decide_open_return(case, actor=actor, decision=ReturnRequest.Decision.REJECTED, note=note)
        clocks.clocks_cancel(case=case, at=timezone.now(), actor=actor, reason="rejected")
        case.status = Status.REJECTED
        case.due_at = None
        save_transition(case, actor=actor, event="rejected", fields=["status", "due_at"])
        notify_citizen(event=Event.REJECTED, case=case)
        return rejection


def case_merge(*, actor, case_id: int, into_case_id: int, note: str = "", expected_version=None) -> Case:
    """A duplicate is merged into an earlier case, which its citizen then follows."""
    with transaction.atomic():
        case = _lock(case_id, expected_version=expected_version)
        if not can_dispatch(actor):
            _refuse(actor, case, Action.MERGE, _("Only dispatchers can merge cases."))
        require_transition(case, Action.MERGE)
        target = Case.objects.filter(pk=into_case_id).first()
        if target is None or target.pk == case.pk:
            raise DomainError(_("Choose another existing case to merge into."))
        if target.submitted_at > case.submitted_at:
            raise DomainError(_("A case can only be merged into an earlier one."))
        if target.status in (Status.MERGED, Status.REJECTED, Status.WITHDRAWN):
            raise DomainError(_("That case is %(status)s, so it cannot take in another case; choose an open one.")
                              % {"status": Status(target.status).label})
        _decide_open_return(case, actor=actor, decision=ReturnRequest.Decision.MERGED, note=note)
        clocks.clocks_cancel(case=case, at=timezone.now(), actor=actor, reason="merged")
        case.status = Status.MERGED
        case.merged_into = target
        case.due_at = None
        save_transition(case, actor=actor, event="merged", fields=["status", "merged_into", "due_at"])
        notify_citizen(event=Event.MERGED, case=case)
        return case


def case_withdraw(*, actor, case_id: int, expected_version=None) -> Case:
    """The citizen withdraws a case that has not been answered yet."""
    with transaction.atomic():
        case = _lock(case_id, expected_version=expected_version)
        if not is_owner(actor, case):
            _refuse(actor, case, Action.WITHDRAW, _("Only the citizen who filed the case can withdraw it."))
        require_transition(case, Action.WITHDRAW)
        _decide_open_return(case, actor=actor, decision=ReturnRequest.Decision.WITHDRAWN)
        clocks.clocks_cancel(case=case, at=timezone.now(), actor=actor, reason="withdrawn")
        case.status = Status.WITHDRAWN
        case.due_at = None
        save_transition(case, actor=actor, event="withdrawn", fields=["status", "due_at"])
        return case


# --- the department's work -----------------------------------------------------


def case_sign_for(*, actor, case_id: int, expected_version=None) -> Case:
    """An official of the lead department accepts responsibility (签收)."""
    with transaction.atomic():
        case = _lock(case_id, expected_version=expected_version)
        if not can_handle(actor, case):
            _refuse(actor, case, Action.SIGN_FOR, _("Only officials of the case's department can sign for it."))
        require_transition(case, Action.SIGN_FOR)
        now = timezone.now()
        clocks.clocks_stop(case=case, kinds=[ClockKind.SIGN_FOR], at=now, actor=actor)
        clocks.clock_start(case=case, kind=ClockKind.REPLY, start=now, department=case.lead_department, actor=actor)
        case.status = Status.ACCEPTED
        case.signed_for_at = now
        case.due_at = clocks.case_due_at(case)
        save_transition(case, actor=actor, event="signed_for", fields=["status", "signed_for_at", "due_at"])
        return case


def cases_sign_for(*, actor, case_ids) -> dict[int, str | None]:
    """Bulk sign-for from the inbox. Each case is its own transaction: one
    that cannot be signed for (already signed, another department's) is
    reported and does not stop the others. Returns {case_id: refusal or None}."""
    outcome = {}
    for case_id in case_ids:
        try:
            case_sign_for(actor=actor, case_id=case_id)
        except Case.DoesNotExist:
            outcome[case_id] = str(_("No case found"))
        except DomainError as error:
            outcome[case_id] = str(error.message)
        else:
            outcome[case_id] = None
    return outcome


def case_assign(*, actor, case_id: int, assignee, expected_version=None) -> Case:
    """Claim a case (assign it to yourself) or give it to a colleague of the
    lead department; None clears the assignment."""
    with transaction.atomic():
        case = _lock(case_id, expected_version=expected_version)
        if not can_handle(actor, case):
            _refuse(actor, case, Action.ASSIGN, _("Only officials of the case's department can assign it."))
        require_transition(case, Action.ASSIGN)
        if assignee is not None and not DepartmentMembership.objects.filter(
            user=assignee, department_id=case.lead_department_id
        ).exists():
            raise DomainError(_("Cases can only be assigned to officials of the case's department."))
        case.assigned_to = assignee
        save_transition(case, actor=actor, event="assigned", fields=["assigned_to"])
        if assignee is not None and assignee.pk != actor.pk:
            notify(event=Event.ASSIGNED, case=case, users=[assignee], occurrence=str(case.version))
        return case


def note_add(*, actor, case_id: int, body: str) -> InternalNote:
    """An internal note for the officials of the lead and assisting departments."""
    body = _require_text(body, _("Write the note before saving it."))
    with transaction.atomic():
        case = _lock(case_id)
        if not (can_handle(actor, case) or assisting_department_ids(actor, case)):
            _refuse(actor, case, "note", _("Only officials working on the case can add notes."))
        return InternalNote.objects.create(case=case, author=actor, body=body)


def material_request(*, actor, case_id: int, message: str, expected_version=None) -> MaterialRequest:
    """Ask the citizen for more; the reply clock waits until they answer."""
    message = _require_text(message, _("Say what material you need from the citizen."))
    with transaction.atomic():
        case = _lock(case_id, expected_version=expected_version)
        if not can_handle(actor, case):
            _refuse(actor, case, Action.REQUEST_MATERIAL,
                    _("Only officials of the case's department can ask for material."))
        require_transition(case, Action.REQUEST_MATERIAL)
        request = MaterialRequest.objects.create(
            case=case, department_id=case.lead_department_id, requested_by=actor, message=message
        )
        clocks.clocks_pause(case=case, kinds=[ClockKind.REPLY, ClockKind.REHANDLING], at=request.requested_at,
                            actor=actor, reason="waiting for the citizen's material")
        case.status = Status.MATERIAL_REQUESTED
        save_transition(case, actor=actor, event="material_requested", fields=["status"])
        notify_citizen(event=Event.MATERIAL_REQUESTED, case=case, occurrence=str(request.pk))
        return request


def material_add(*, actor, case_id: int, answer: str, attachment=None, expected_version=None) -> MaterialRequest:
    """The citizen answers a request for material; the reply clock resumes,
    its due time moved on by as long as it waited."""
    from petitions.attachments import attachment_content_type
    from petitions.models import Attachment

    answer = _require_text(answer, _("Write what you are adding."))
    content_type = attachment_content_type(attachment) if attachment is not None else None
    with transaction.atomic():
        case = _lock(case_id, expected_version=expected_version)
        if not is_owner(actor, case):
            _refuse(actor, case, Action.ADD_MATERIAL, _("Only the citizen who filed the case can add material."))
        require_transition(case, Action.ADD_MATERIAL)
        request = case.material_requests.filter(answered_at=None).order_by("-requested_at").first()
        now = timezone.now()
        request.answer = answer
        request.answered_at = now
        request.save(update_fields=["answer", "answered_at"])
        if attachment is not None:
            Attachment.objects.create(
                case=case, material_request=request, file=attachment, content_type=content_type,
                original_name=(attachment.name or "attachment").rsplit("/", 1)[-1][:200], size=attachment.size,
            )
        clocks.clocks_resume(case=case, kinds=[ClockKind.REPLY, ClockKind.REHANDLING], at=now, actor=actor)
        case.status = Status.ACCEPTED
        case.due_at = clocks.case_due_at(case)
        save_transition(case, actor=actor, event="material_added", fields=["status", "due_at"])
        notify_department(event=Event.MATERIAL_ADDED, case=case, department_id=case.lead_department_id,
                          occurrence=str(request.pk))
        return request


def opinion_give(*, actor, case_id: int, opinion: str) -> CaseAssistance:
    """An assisting department gives its opinion for the lead department."""
    opinion = _require_text(opinion, _("Write your department's opinion."))
    with transaction.atomic():
        case = _lock(case_id)
        departments = assisting_department_ids(actor, case)
        if not departments:
            _refuse(actor, case, Action.GIVE_OPINION, _("Only assisting departments give opinions on a case."))
        require_transition(case, Action.GIVE_OPINION)
        assistance = case.assistances.get(department_id=departments[0])
        assistance.opinion = opinion
        assistance.opinion_by = actor
        assistance.opinion_at = timezone.now()
        assistance.save(update_fields=["opinion", "opinion_by", "opinion_at"])
        return assistance


# --- reply, and the head's approval of it -------------------------------------


def case_reply(*, actor, case_id: int, body: str, cite_opinion_ids=(), expected_version=None) -> Reply:
    """The lead department answers. Where the department requires it, the
    reply waits for a head's approval before the citizen sees it."""
    body = _require_text(body, _("Write the reply before sending it."))
    with transaction.atomic():
        case = _lock(case_id, expected_version=expected_version)
        if not can_handle(actor, case):
            _refuse(actor, case, Action.REPLY, _("Only officials of the case's department can reply to it."))
        require_transition(case, Action.REPLY)
        needs_approval = Department.objects.filter(pk=case.lead_department_id, requires_head_approval=True).exists()
        now = timezone.now()
        reply = Reply(
            case=case, department_id=case.lead_department_id, author=actor, body=body, created_at=now,
            state=ReplyState.PENDING_APPROVAL if needs_approval else ReplyState.PUBLISHED,
            published_at=None if needs_approval else now,
        )
        reply._history_user = actor
        reply.save()
        reply.cited_opinions.set(case.assistances.filter(pk__in=cite_opinion_ids).exclude(opinion=""))
        if needs_approval:
            case.status = Status.PENDING_APPROVAL
            save_transition(case, actor=actor, event="reply_drafted", fields=["status"])
            notify_department(event=Event.REPLY_TO_APPROVE, case=case, department_id=case.lead_department_id,
                              heads_only=True, occurrence=str(reply.pk))
        else:
            _publish(case, reply, actor=actor, now=now)
        return reply


def reply_approve(*, actor, case_id: int, expected_version=None) -> Reply:
    with transaction.atomic():
        case = _lock(case_id, expected_version=expected_version)
        if not is_head_for(actor, case):
            _refuse(actor, case, Action.APPROVE_REPLY, _("Only the department's head can approve its replies."))
        require_transition(case, Action.APPROVE_REPLY)
        reply = case.replies.select_for_update().get(state=ReplyState.PENDING_APPROVAL)
        now = timezone.now()
        reply.state = ReplyState.PUBLISHED
        reply.reviewed_by = actor
        reply.published_at = now
        reply._history_user = actor
        reply.save(update_fields=["state", "reviewed_by", "published_at"])
        _publish(case, reply, actor=actor, now=now)
        return reply


def reply_send_back(*, actor, case_id: int, note: str, expected_version=None) -> Reply:
    """The head refuses the draft; the official writes it again."""
    note = _require_text(note, _("Tell the official what to change."))
    with transaction.atomic():
        case = _lock(case_id, expected_version=expected_version)
        if not is_head_for(actor, case):
            _refuse(actor, case, Action.REFUSE_REPLY, _("Only the department's head can send replies back."))
        require_transition(case, Action.REFUSE_REPLY)
        reply = case.replies.select_for_update().get(state=ReplyState.PENDING_APPROVAL)
        reply.state = ReplyState.SENT_BACK
        reply.reviewed_by = actor
        reply.review_note = note
        reply._history_user = actor
        reply.save(update_fields=["state", "reviewed_by", "review_note"])
        case.status = Status.ACCEPTED
        save_transition(case, actor=actor, event="reply_sent_back", fields=["status"])
        notify(event=Event.REPLY_SENT_BACK, case=case, users=[reply.author], occurrence=str(reply.pk))
        return reply


def _publish(case: Case, reply: Reply, *, actor, now) -> None:
    clocks.clocks_stop(case=case, kinds=[ClockKind.REPLY, ClockKind.REHANDLING], at=now, actor=actor)
    clocks.clock_start(case=case, kind=ClockKind.FEEDBACK, start=now, actor=actor)
    case.status = Status.REPLIED
    case.replied_at = now
    case.due_at = None
    save_transition(case, actor=actor, event="replied", fields=["status", "replied_at", "due_at"])
    notify_citizen(event=Event.REPLIED, case=case, occurrence=str(reply.pk))
    # Asking for the rating is its own event (its own text, its own e-mail),
    # so the answer's text stays within its segment and each can be read alone.
    # Only a citizen who can rate is asked: one with an account, or a caller
    # whose number signs in and takes the case.
    if case.citizen_id or case.channel in (Channel.PHONE, Channel.WALK_IN):
        notify_citizen(event=Event.FEEDBACK_REQUESTED, case=case, occurrence=str(reply.pk))


# --- after the reply -------------------------------------------------------------


def return_visit_record(*, actor, case_id: int, outcome: str, resolved: bool | None = None,
                        note: str = "") -> ReturnVisit:
    """回访: an operator records calling the citizen back. While the case
    waits for the citizen's rating, what the citizen said on the call is
    their rating (phone citizens rarely rate on the web), and it closes the
    case as evaluated."""
    if outcome not in ReturnVisit.Outcome.values:
        raise DomainError(_("Choose the outcome of the call."))
    reached = outcome != ReturnVisit.Outcome.UNREACHABLE
    if reached and resolved is None:
        raise DomainError(_("Say whether the citizen's problem was resolved."))
    with transaction.atomic():
        case = _lock(case_id)
        if not can_record_for_citizens(actor):
            _refuse(actor, case, Action.RECORD_RETURN_VISIT, _("Only operators record return visits."))
        require_transition(case, Action.RECORD_RETURN_VISIT)
        visit = ReturnVisit.objects.create(case=case, operator=actor, outcome=outcome,
                                           resolved=resolved if reached else None, note=note.strip())
        if reached and case.status == Status.REPLIED:
            from supervision.services import feedback_give

            feedback_give(actor=actor, case_id=case.pk, resolved=resolved, satisfaction=outcome,
                          comment=note.strip(), recorded_by=actor)
        return visit
