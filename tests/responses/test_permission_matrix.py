"""The permission matrix, generated: every case action × every role, each on
the case of their own department (or their own case), of another
department, and of another citizen. Exactly the allowed actors change the
case; everyone else is refused, with a 404 when they may not even see it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from petitions.lifecycle import Status
from petitions.models import Channel, MaterialRequest, RejectionReason
from responses.actions import ACTIONS
from responses.models import CaseAssistance, InternalNote, Reply, ReplyState, ReturnRequest, ReturnVisit
from supervision.clocks import clock_start
from supervision.models import ClockKind, Extension, SupervisionOrder
from tests.factories import CaseFactory, DepartmentFactory

ACTORS = [
    "owner", "other_citizen", "official", "head", "other_official", "assisting_official",
    "dispatcher", "supervisor", "operator", "anonymous",
]
# Who may see a phone case of the owner's, led by the official's department
# (except while it waits in the routing centre) and assisted by the
# assisting official's.
SEES_CASE = {"owner", "official", "head", "assisting_official", "dispatcher", "supervisor", "operator"}


def sees(actor, state) -> bool:
    if state == Status.ROUTING_CENTRE and actor in {"official", "head"}:
        return False
    return actor in SEES_CASE

# action -> (state the case must be in, the actors allowed, form data, effect)
MATRIX = {
    "dispatch": (Status.ROUTING_CENTRE, {"dispatcher"}, lambda w: {"department": w.department.pk},
                 lambda case: case.status == Status.DISPATCHED),
    "reroute": (Status.RETURNED, {"dispatcher"}, lambda w: {"department": w.other_department.pk},
                lambda case: case.status == Status.DISPATCHED),
    "send_back": (Status.RETURNED, {"dispatcher"}, lambda w: {"reason": "这是贵部门职责。"},
                  lambda case: case.status == Status.DISPATCHED),
    "reject": (Status.ROUTING_CENTRE, {"dispatcher"}, lambda w: {"reason": w.rejection_reason.pk},
               lambda case: case.status == Status.REJECTED),
    "merge": (Status.ROUTING_CENTRE, {"dispatcher"}, lambda w: {"into": w.earlier_case.tracking_number},
              lambda case: case.status == Status.MERGED),
    "sign_for": (Status.DISPATCHED, {"official", "head"}, lambda w: {},
                 lambda case: case.status == Status.ACCEPTED),
    "return": (Status.DISPATCHED, {"official", "head"}, lambda w: {"reason": "不属于本部门职责。"},
               lambda case: case.status == Status.RETURNED),
    "assign": (Status.ACCEPTED, {"official", "head"}, lambda w: {"assignee": w.official.pk},
               lambda case: case.assigned_to_id is not None),
    "request_material": (Status.ACCEPTED, {"official", "head"}, lambda w: {"message": "请补充现场照片。"},
                         lambda case: case.status == Status.MATERIAL_REQUESTED),
    "reply": (Status.ACCEPTED, {"official", "head"}, lambda w: {"body": "已处理。"},
              lambda case: case.status == Status.REPLIED),
    "approve_reply": (Status.PENDING_APPROVAL, {"head"}, lambda w: {},
                      lambda case: case.status == Status.REPLIED),
    "refuse_reply": (Status.PENDING_APPROVAL, {"head"}, lambda w: {"reason": "请补充处理时限。"},
                     lambda case: case.status == Status.ACCEPTED),
    "opinion": (Status.ACCEPTED, {"assisting_official"}, lambda w: {"opinion": "同意主办部门意见。"},
                lambda case: case.assistances.exclude(opinion="").exists()),
    "note": (Status.ACCEPTED, {"official", "head", "assisting_official"}, lambda w: {"note": "已电话联系。"},
             lambda case: InternalNote.objects.filter(case=case).exists()),
    "add_material": (Status.MATERIAL_REQUESTED, {"owner"}, lambda w: {"answer": "照片已补充。"},
                     lambda case: case.status == Status.ACCEPTED),
    "withdraw": (Status.ACCEPTED, {"owner"}, lambda w: {"confirm": "on"},
                 lambda case: case.status == Status.WITHDRAWN),
    "return_visit": (Status.REPLIED, {"operator"}, lambda w: {"outcome": "satisfied", "resolved": "yes"},
                     lambda case: ReturnVisit.objects.filter(case=case).exists()),
    "extension": (Status.ACCEPTED, {"official", "head"},
                  lambda w: {"clock": w.clock.pk, "reason": "需要现场勘查",
                             "new_due_at": (w.clock.due_at + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")},
                  lambda case: Extension.objects.filter(clock__case=case).exists()),
    "decide_extension": (Status.ACCEPTED, {"supervisor"},
                         lambda w: {"extension": w.extension.pk, "decision": "approve"},
                         lambda case: Extension.objects.filter(clock__case=case, state="approved").exists()),
    "issue_order": (Status.ACCEPTED, {"supervisor"},
                    lambda w: {"instructions": "请三日内反馈办理情况",
                               "due_at": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")},
                    lambda case: SupervisionOrder.objects.filter(case=case).exists()),
    "answer_order": (Status.ACCEPTED, {"official", "head"}, lambda w: {"order": w.order.pk, "response": "已办理"},
                     lambda case: SupervisionOrder.objects.filter(case=case, state="answered").exists()),
    "close_order": (Status.ACCEPTED, {"supervisor"}, lambda w: {"order": w.order.pk},
                    lambda case: SupervisionOrder.objects.filter(case=case, state="closed").exists()),
    "relocate": (Status.ACCEPTED, {"official", "head", "dispatcher"},
                 lambda w: {"latitude": "39.915", "longitude": "116.404", "reason": "市民描述的位置在路口北侧。"},
                 lambda case: case.latitude is not None),
    "feedback": (Status.REPLIED, {"owner"}, lambda w: {"resolved": "yes", "satisfaction": "satisfied"},
                 lambda case: case.status == Status.CLOSED),
}


def test_the_matrix_covers_every_action():
    assert set(MATRIX) == {action.name for action in ACTIONS}


class World:
    """The actors and the case they act on, built for one matrix cell."""

    def __init__(self, fixtures, state, action=""):
        self.__dict__.update(fixtures)
        self.other_department = DepartmentFactory()
        self.rejection_reason = RejectionReason.objects.create(name="非政府职责", name_en="Not a government matter")
        self.earlier_case = CaseFactory(status=Status.DISPATCHED, lead_department=self.department)
        lead = None if state == Status.ROUTING_CENTRE else self.department
        self.case = CaseFactory(citizen=self.owner, status=state, lead_department=lead, channel=Channel.PHONE)
        CaseAssistance.objects.create(case=self.case, department=self.assisting_department)
        if state == Status.RETURNED:
            ReturnRequest.objects.create(case=self.case, department=self.department, returned_by=self.official,
                                         reason="不属于本部门")
        if state == Status.MATERIAL_REQUESTED:
            MaterialRequest.objects.create(case=self.case, department=self.department, requested_by=self.official,
                                           message="请补充材料")
        if state == Status.PENDING_APPROVAL:
            Reply.objects.create(case=self.case, department=self.department, author=self.official, body="草稿",
                                 state=ReplyState.PENDING_APPROVAL)
        if state == Status.REPLIED:
            Reply.objects.create(case=self.case, department=self.department, author=self.official, body="答复",
                                 published_at=timezone.now())
        # The clocks a case in this state runs, and what supervision hangs on them.
        now = timezone.now()
        kind = {Status.DISPATCHED: ClockKind.SIGN_FOR, Status.ACCEPTED: ClockKind.REPLY,
                Status.REPLIED: ClockKind.FEEDBACK}.get(state)
        self.clock = kind and clock_start(case=self.case, kind=kind, start=now,
                                          department=None if kind == ClockKind.FEEDBACK else self.department)
        if action == "decide_extension":
            self.extension = Extension.objects.create(
                clock=self.clock, requested_by=self.official, requested_at=now, reason="需要更多时间",
                requested_due_at=self.clock.due_at + timedelta(days=2))
        if action in ("answer_order", "close_order"):
            self.order = SupervisionOrder.objects.create(
                case=self.case, department=self.department, issued_by=self.supervisor, issued_at=now,
                instructions="请尽快办理", due_at=now + timedelta(days=2))


@pytest.fixture
def fixtures(citizen, other_citizen, official, head, other_official, assisting_official, dispatcher, supervisor,
             operator, department, assisting_department):
    return {
        "owner": citizen, "other_citizen": other_citizen, "official": official, "head": head,
        "other_official": other_official, "assisting_official": assisting_official, "dispatcher": dispatcher,
        "supervisor": supervisor, "operator": operator, "anonymous": None,
        "department": department, "assisting_department": assisting_department,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("action", sorted(MATRIX))
def test_only_the_allowed_actors_can_take_each_action(client, fixtures, action, actor):
    state, allowed, data, effect = MATRIX[action]
    world = World(fixtures, state, action)
    case = world.case
    if fixtures[actor] is not None:
        client.force_login(fixtures[actor])
    url = reverse("responses:case_action", args=[case.pk, action])

    response = client.post(url, {"version": case.version, **data(world)})

    case.refresh_from_db()
    if actor in allowed:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert effect(case)
        return
    assert not effect(case)
    assert case.status == state
    if actor == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif sees(actor, state):
        assert response.status_code == 403
    else:
        assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_who_is_offered_which_action_on_the_case_page(client, fixtures, actor):
    """The page offers exactly what the matrix allows, in each state."""
    if fixtures[actor] is None:
        return
    client.force_login(fixtures[actor])
    for action, (state, allowed, _data, _effect) in MATRIX.items():
        world = World(fixtures, state, action)
        response = client.get(reverse("petitions:case_detail", args=[world.case.pk]))
        if not sees(actor, state):
            assert response.status_code == 404
            continue
        offered = f'id="action-{action}"' in response.content.decode()
        assert offered == (actor in allowed), (action, actor)


@pytest.mark.django_db
def test_every_refused_action_is_logged(client, fixtures, caplog):
    world = World(fixtures, Status.DISPATCHED)
    client.force_login(fixtures["other_citizen"])
    with caplog.at_level("WARNING", logger="wenzheng.access"):
        client.post(reverse("responses:case_action", args=[world.case.pk, "sign_for"]), {"version": 1})
        client.force_login(fixtures["owner"])
        client.post(reverse("responses:case_action", args=[world.case.pk, "sign_for"]),
                    {"version": world.case.version})
    assert f"case not shown: user={fixtures['other_citizen'].pk} case={world.case.pk}" in caplog.text
    assert f"action refused: user={fixtures['owner'].pk} case={world.case.pk} action=sign_for" in caplog.text
