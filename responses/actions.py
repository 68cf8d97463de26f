"""Every action a person can take on a case page: its form, who is offered
it, and the one service it calls. The case page shows the panels of the
actions the viewer is offered; one view runs any of them. Services check
permission and state again, so a panel shown by mistake still cannot act."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from petitions.lifecycle import Action, is_allowed
from petitions.models import Case
from petitions.permissions import (
    assisting_department_ids,
    can_dispatch,
    can_handle,
    can_record_for_citizens,
    is_head_for,
    is_owner,
)
from petitions.tracking import normalise_tracking_number
from portal.errors import DomainError
from responses import forms, services
from responses.models import ReplyState


@dataclass(frozen=True)
class CaseAction:
    name: str
    title: str
    button: str
    form: type
    offered: Callable  # (user, case) -> bool
    run: Callable  # (user, case, cleaned_data, version): calls one service; may return a message
    done: str  # what the user is told when it worked, unless run returned a message
    help: str = ""
    multipart: bool = False


def _dispatcher_may(action):
    return lambda user, case: can_dispatch(user) and is_allowed(case.status, action)


def _handler_may(action):
    return lambda user, case: can_handle(user, case) and is_allowed(case.status, action)


def _head_may(action):
    return lambda user, case: is_head_for(user, case) and is_allowed(case.status, action)


def _owner_may(action):
    return lambda user, case: is_owner(user, case) and is_allowed(case.status, action)


def _merge(user, case, data, version):
    number = normalise_tracking_number(data["into"])
    target = Case.objects.filter(tracking_number=number).only("pk").first() if number else None
    if target is None:
        raise DomainError(_("No case has that tracking number."))
    services.case_merge(actor=user, case_id=case.pk, into_case_id=target.pk, note=data["note"],
                        expected_version=version)


def _reply(user, case, data, version):
    reply = services.case_reply(actor=user, case_id=case.pk, body=data["body"],
                                cite_opinion_ids=[opinion.pk for opinion in data.get("cite", [])],
                                expected_version=version)
    if reply.state == ReplyState.PENDING_APPROVAL:
        return _("Your reply is waiting for the department head's approval before the citizen sees it.")
    return None


ACTIONS = [
    CaseAction(
        "dispatch", _("Dispatch"), _("Dispatch the case"), forms.DispatchForm, _dispatcher_may(Action.DISPATCH),
        lambda user, case, data, version: services.case_dispatch(
            actor=user, case_id=case.pk, department=data["department"], assisting=data["assisting"],
            note=data["note"], expected_version=version),
        _("The case has been dispatched."),
    ),
    CaseAction(
        "reroute", _("Re-route (改派)"), _("Re-route to this department"), forms.RerouteForm,
        _dispatcher_may(Action.REROUTE),
        lambda user, case, data, version: services.return_reroute(
            actor=user, case_id=case.pk, department=data["department"], assisting=data["assisting"],
            note=data["note"], expected_version=version),
        _("The case was re-routed."),
        help=_("The department returned this case. Send it to the department responsible, or back to them."),
    ),
    CaseAction(
        "send_back", _("Send back to the department"), _("Send back"), forms.ReasonForm,
        _dispatcher_may(Action.SEND_BACK),
        lambda user, case, data, version: services.return_send_back(
            actor=user, case_id=case.pk, note=data["reason"], expected_version=version),
        _("The case was sent back to the department."),
    ),
    CaseAction(
        "reject", _("Reject"), _("Reject the case"), forms.RejectForm, _dispatcher_may(Action.REJECT),
        lambda user, case, data, version: services.case_reject(
            actor=user, case_id=case.pk, reason=data["reason"], note=data["note"], expected_version=version),
        _("The case was rejected and the citizen was told why."),
    ),
    CaseAction("merge", _("Merge into an earlier case"), _("Merge"), forms.MergeForm, _dispatcher_may(Action.MERGE),
               _merge, _("The case was merged; the citizen who filed it will follow the earlier case.")),
    CaseAction(
        "sign_for", _("Sign for this case"), _("Sign for"), forms.SignForForm, _handler_may(Action.SIGN_FOR),
        lambda user, case, data, version: services.case_sign_for(
            actor=user, case_id=case.pk, expected_version=version),
        _("You have signed for this case. The reply deadline has started."),
        help=_("Signing for the case accepts it for your department and starts the reply deadline."),
    ),
    CaseAction(
        "return", _("Return (退单)"), _("Return the case"), forms.ReasonForm, _handler_may(Action.RETURN),
        lambda user, case, data, version: services.case_return(
            actor=user, case_id=case.pk, reason=data["reason"], expected_version=version),
        _("The case went back to the routing centre."),
        help=_("If the case is not your department's, return it to the routing centre with the reason."),
    ),
    CaseAction(
        "assign", _("Assign"), _("Assign"), forms.AssignForm, _handler_may(Action.ASSIGN),
        lambda user, case, data, version: services.case_assign(
            actor=user, case_id=case.pk, assignee=data["assignee"], expected_version=version),
        _("The assignment was saved."),
    ),
    CaseAction(
        "request_material", _("Ask the citizen for more material"), _("Send the request"),
        forms.MaterialRequestForm, _handler_may(Action.REQUEST_MATERIAL),
        lambda user, case, data, version: services.material_request(
            actor=user, case_id=case.pk, message=data["message"], expected_version=version),
        _("The citizen has been asked; the deadline waits until they answer."),
    ),
    CaseAction("reply", _("Reply"), _("Publish the reply"), forms.ReplyForm, _handler_may(Action.REPLY), _reply,
               _("Your reply was published to the citizen.")),
    CaseAction(
        "approve_reply", _("Approve the reply"), _("Approve and publish"), forms.ApproveForm,
        _head_may(Action.APPROVE_REPLY),
        lambda user, case, data, version: services.reply_approve(
            actor=user, case_id=case.pk, expected_version=version),
        _("The reply was published."),
    ),
    CaseAction(
        "refuse_reply", _("Send the reply back"), _("Send back"), forms.ReasonForm, _head_may(Action.REFUSE_REPLY),
        lambda user, case, data, version: services.reply_send_back(
            actor=user, case_id=case.pk, note=data["reason"], expected_version=version),
        _("The reply went back to its author."),
    ),
    CaseAction(
        "opinion", _("Assisting opinion (协办意见)"), _("Save the opinion"), forms.OpinionForm,
        lambda user, case: bool(assisting_department_ids(user, case)) and is_allowed(case.status, Action.GIVE_OPINION),
        lambda user, case, data, version: services.opinion_give(
            actor=user, case_id=case.pk, opinion=data["opinion"]),
        _("Your department's opinion was saved."),
    ),
    CaseAction(
        "note", _("Internal note"), _("Add the note"), forms.NoteForm,
        lambda user, case: can_handle(user, case) or bool(assisting_department_ids(user, case)),
        lambda user, case, data, version: services.note_add(
            actor=user, case_id=case.pk, body=data["note"]),
        _("The note was added."),
        help=_("Notes are seen by officials only, never by the citizen."),
    ),
    CaseAction(
        "add_material", _("Add the material the department asked for"), _("Send"), forms.MaterialAddForm,
        _owner_may(Action.ADD_MATERIAL),
        lambda user, case, data, version: services.material_add(
            actor=user, case_id=case.pk, answer=data["answer"], attachment=data["attachment"],
            expected_version=version),
        _("Thank you. The department has your material."),
        multipart=True,
    ),
    CaseAction(
        "withdraw", _("Withdraw this case"), _("Withdraw"), forms.WithdrawForm, _owner_may(Action.WITHDRAW),
        lambda user, case, data, version: services.case_withdraw(
            actor=user, case_id=case.pk, expected_version=version),
        _("Your case was withdrawn."),
        help=_("You can withdraw a case until it is answered."),
    ),
    CaseAction(
        "return_visit", _("Record a return visit (回访)"), _("Save"), forms.ReturnVisitForm,
        lambda user, case: can_record_for_citizens(user) and is_allowed(case.status, Action.RECORD_RETURN_VISIT),
        lambda user, case, data, version: services.return_visit_record(
            actor=user, case_id=case.pk, outcome=data["outcome"], resolved=data["resolved"], note=data["note"]),
        _("The return visit was recorded."),
    ),
]
def _supervision_actions():
    """Deadlines: extensions, supervision orders (督办) and the citizen's feedback."""
    from accounts.roles import Role, has_role, user_department_ids
    from supervision import forms as supervision_forms
    from supervision import services as supervision
    from supervision.models import ClockKind, ClockState, Extension, SupervisionClock, SupervisionOrder

    def supervisor(user):
        return has_role(user, Role.SUPERVISOR)

    def extend_offered(user, case):
        return can_handle(user, case) and SupervisionClock.objects.filter(
            case=case, department_id=case.lead_department_id, state__in=[ClockState.RUNNING, ClockState.PAUSED],
            kind__in=[ClockKind.SIGN_FOR, ClockKind.REPLY, ClockKind.REHANDLING]).exists()

    def decide(user, case, data, version):
        if data["decision"] == "approve":
            supervision.extension_approve(actor=user, extension_id=data["extension"].pk, note=data["note"])
            return _("The extension was approved; the citizen is told the new date.")
        supervision.extension_refuse(actor=user, extension_id=data["extension"].pk, note=data["note"])
        return _("The extension was refused.")

    return [
        CaseAction(
            "extension", _("Ask for more time"), _("Ask for the extension"),
            supervision_forms.ExtensionRequestForm, extend_offered,
            lambda user, case, data, version: supervision.extension_request(
                actor=user, clock_id=data["clock"].pk, reason=data["reason"], new_due_at=data["new_due_at"]),
            _("The extension was asked for; a supervisor will decide."),
            help=_("Ask before the deadline passes, and say why."),
        ),
        CaseAction(
            "decide_extension", _("Decide on an extension"), _("Record the decision"),
            supervision_forms.ExtensionDecisionForm,
            lambda user, case: supervisor(user) and Extension.objects.filter(
                clock__case=case, state=Extension.State.PENDING).exists(),
            decide, _("The decision was recorded."),
        ),
        CaseAction(
            "issue_order", _("Issue a supervision order (督办)"), _("Issue the order"),
            supervision_forms.OrderIssueForm,
            lambda user, case: supervisor(user) and case.lead_department_id is not None
            and is_allowed(case.status, Action.ISSUE_ORDER),
            lambda user, case, data, version: supervision.order_issue(
                actor=user, case_id=case.pk, instructions=data["instructions"], due_at=data["due_at"]),
            _("The order was issued to the department."),
        ),
        CaseAction(
            "answer_order", _("Answer the supervision order"), _("Send the answer"), supervision_forms.OrderAnswerForm,
            lambda user, case: SupervisionOrder.objects.filter(
                case=case, state=SupervisionOrder.State.OPEN, department_id__in=user_department_ids(user)).exists(),
            lambda user, case, data, version: supervision.order_answer(
                actor=user, order_id=data["order"].pk, response=data["response"]),
            _("Your answer was sent to the supervisor."),
        ),
        CaseAction(
            "close_order", _("Close a supervision order"), _("Close the order"), supervision_forms.OrderCloseForm,
            lambda user, case: supervisor(user) and SupervisionOrder.objects.filter(case=case).exclude(
                state=SupervisionOrder.State.CLOSED).exists(),
            lambda user, case, data, version: supervision.order_close(actor=user, order_id=data["order"].pk),
            _("The order was closed."),
        ),
        CaseAction(
            "feedback", _("Rate the answer"), _("Send my rating"), supervision_forms.FeedbackForm,
            _owner_may(Action.GIVE_FEEDBACK),
            lambda user, case, data, version: supervision.feedback_give(
                actor=user, case_id=case.pk, resolved=data["resolved"], satisfaction=data["satisfaction"],
                comment=data["comment"], reopen=data["reopen"]),
            _("Thank you for your rating."),
        ),
    ]


def _places_actions():
    """Correcting where the case is (places/)."""
    from places.forms import RelocateForm
    from places.services import can_relocate, case_relocate

    return [
        CaseAction(
            "relocate", _("Correct the place"), _("Save the corrected place"), RelocateForm, can_relocate,
            lambda user, case, data, version: case_relocate(
                actor=user, case_id=case.pk, latitude=data["latitude"], longitude=data["longitude"],
                reason=data["reason"], expected_version=version),
            _("The case's place was corrected."),
            help=_("Move the pin (or type the latitude and longitude) to where the matter really is, and say why. "
                   "The case keeps the earlier place in its history."),
        ),
    ]


ACTIONS += _supervision_actions()
ACTIONS += _places_actions()
ACTIONS_BY_NAME = {action.name: action for action in ACTIONS}


def offered_actions(user, case) -> list[CaseAction]:
    return [action for action in ACTIONS if action.offered(user, case)]

