"""A case shows the deadline it is held to now, named by its clock (签收期限
while it waits to be signed for, 答复期限 after, 重办期限 when reopened ...),
and its citizen the date by which they will have an answer: the reply
deadline once it runs, an estimate before, said to be one."""

import datetime
import importlib
import re

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from petitions.lifecycle import Status
from petitions.models import Case
from petitions.services import case_submit
from responses import services
from supervision.deadlines import answer_expected_by, case_deadline
from supervision.models import OPEN_CLOCK_STATES, ClockKind, ClockState, SupervisionClock
from supervision.services import feedback_give
from tests.api.conftest import token_client
from tests.factories import RoutingRuleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def submit(citizen, category, region):
    def submit(title="路灯不亮", *, rule_for=None):
        if rule_for is not None:
            RoutingRuleFactory(category=category, lead_department=rule_for)
        case, _ = case_submit(actor=citizen, kind="complaint", category=category, region=region, title=title,
                              body="小区门口路灯坏了一周。", contact_email=citizen.email)
        services.case_route(case_id=case.id)
        return Case.objects.get(pk=case.pk)

    return submit


def held_clock(case) -> SupervisionClock:
    """The one open clock that holds the case, from the records."""
    return SupervisionClock.objects.get(
        case=case, stopped_at=None, state__in=[*OPEN_CLOCK_STATES, ClockState.BREACHED],
        kind__in=[ClockKind.DISPATCH, ClockKind.SIGN_FOR, ClockKind.REPLY, ClockKind.REHANDLING])


def fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)


def assert_held_to_its_clock(case, kind):
    case = fresh(case)
    clock = held_clock(case)
    deadline = case_deadline(case)
    assert (deadline.kind, clock.kind) == (kind, kind)
    assert deadline.paused == (clock.state == ClockState.PAUSED)
    assert deadline.due_at == (None if deadline.paused else clock.due_at)
    return case


def test_a_case_is_held_to_the_clock_its_status_names_at_every_step(submit, citizen, official, dispatcher,
                                                                   department):
    case = submit()
    assert case.status == Status.ROUTING_CENTRE
    assert_held_to_its_clock(case, ClockKind.DISPATCH)
    services.case_dispatch(actor=dispatcher, case_id=case.id, department=department)
    assert_held_to_its_clock(case, ClockKind.SIGN_FOR)
    services.case_sign_for(actor=official, case_id=case.id)
    assert_held_to_its_clock(case, ClockKind.REPLY)
    services.material_request(actor=official, case_id=case.id, message="请提供具体位置")
    assert_held_to_its_clock(case, ClockKind.REPLY)
    assert answer_expected_by(fresh(case)).waits_for_material
    services.material_add(actor=citizen, case_id=case.id, answer="3号楼门口")
    assert_held_to_its_clock(case, ClockKind.REPLY)
    services.case_reply(actor=official, case_id=case.id, body="已修复路灯。")
    assert case_deadline(fresh(case)) is None and answer_expected_by(fresh(case)) is None
    feedback_give(actor=citizen, case_id=case.id, resolved=False, satisfaction="unsatisfied", reopen=True)
    reopened = assert_held_to_its_clock(case, ClockKind.REHANDLING)
    assert reopened.due_at == held_clock(reopened).due_at  # the inbox's due filters see it too
    answer = answer_expected_by(reopened)
    assert (answer.at, answer.estimate) == (reopened.due_at, False)

    returned = submit("不是本部门的事", rule_for=department)
    services.case_return(actor=official, case_id=returned.id, reason="应由交通委办理。")
    assert case_deadline(fresh(returned)) is None
    assert answer_expected_by(fresh(returned)).estimate


def test_the_answer_date_only_moves_earlier_as_the_deadlines_are_met(submit, official, dispatcher, department):
    case = submit()
    waiting = answer_expected_by(case)
    services.case_dispatch(actor=dispatcher, case_id=case.id, department=department)
    dispatched = answer_expected_by(fresh(case))
    services.case_sign_for(actor=official, case_id=case.id)
    signed = answer_expected_by(fresh(case))
    assert waiting.estimate and dispatched.estimate and not signed.estimate
    assert waiting.at >= dispatched.at >= signed.at == fresh(case).due_at


def case_page(client, case, language):
    return client.get(reverse("petitions:case_detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE=language
                      ).content.decode()


def facts(page) -> dict:
    """The case's facts list: <dt> text -> <dd> markup."""
    return dict(re.findall(r"<dt>([^<]*)</dt><dd[^>]*>(.*?)</dd>", page, re.S))


def test_the_citizens_case_page_names_the_sign_for_deadline_then_the_reply_deadline(client, submit, citizen,
                                                                                   official, department):
    case = submit(rule_for=department)
    client.force_login(citizen)
    shown = facts(case_page(client, case, "zh-hans"))
    assert "答复期限" not in shown  # not the reply deadline: there is none yet
    assert shown["签收期限"] == stamp(case.due_at)
    assert shown["预计答复时间"].startswith(stamp(answer_expected_by(case).at)) and "估算" in shown["预计答复时间"]
    english = facts(case_page(client, case, "en"))
    assert "Sign-for deadline" in english and "Reply deadline" not in english
    assert "estimate" in english["Answer expected by"]

    services.case_sign_for(actor=official, case_id=case.id)
    case = fresh(case)
    shown = facts(case_page(client, case, "zh-hans"))
    assert "签收期限" not in shown
    assert shown["答复期限"] == shown["预计答复时间"] == stamp(case.due_at)


def stamp(moment) -> str:
    local = timezone.localtime(moment)
    return f'<time datetime="{local.isoformat()}">{local:%Y-%m-%d %H:%M}</time>'


def test_staff_see_the_deadline_by_its_clock_and_no_citizens_estimate(client, submit, official, department):
    case = submit(rule_for=department)
    client.force_login(official)
    shown = facts(case_page(client, case, "en"))
    assert "Sign-for deadline" in shown and "Answer expected by" not in shown


def test_a_paused_deadline_says_it_waits_for_the_citizens_material(client, submit, citizen, official, department):
    case = submit(rule_for=department)
    services.case_sign_for(actor=official, case_id=case.id)
    services.material_request(actor=official, case_id=case.id, message="请提供照片")
    client.force_login(citizen)
    shown = facts(case_page(client, case, "en"))
    assert "paused while waiting for the citizen&#x27;s material" in shown["Reply deadline"]
    assert "once you add the material" in shown["Answer expected by"]


def test_my_cases_name_each_deadline_and_give_an_answer_date_in_a_fixed_number_of_queries(
    client, submit, citizen, official, department, django_assert_max_num_queries
):
    waiting = submit("等待派单")
    to_sign = submit("等待签收", rule_for=department)
    accepted = submit("办理中")
    services.case_sign_for(actor=official, case_id=accepted.id)
    client.force_login(citizen)
    url = reverse("petitions:my_cases")
    with CaptureQueriesContext(connection) as few:
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    rows = {title: row for row in re.findall(r"<tr class=.*?</tr>", page, re.S)
            for title in ("等待派单", "等待签收", "办理中") if re.search(f"<td[^>]*>{title}</td>", row)}
    assert "派单期限" in rows["等待派单"] and "（预计）" in rows["等待派单"]
    assert "签收期限" in rows["等待签收"] and "答复期限" not in rows["等待签收"] and "（预计）" in rows["等待签收"]
    assert "答复期限" in rows["办理中"] and "（预计）" not in rows["办理中"]
    assert "<th scope=\"col\">预计答复时间</th>" in page
    for number in range(9):
        submit(f"更多 {number}", rule_for=department if number == 0 else None)
    with django_assert_max_num_queries(len(few)):
        assert client.get(url).status_code == 200
    assert waiting.pk and to_sign.pk


def test_the_tracking_page_names_the_deadline_and_the_estimated_answer(client, submit, citizen, department):
    case = submit(rule_for=department)
    page = client.post(reverse("petitions:case_lookup"), {"tracking_number": case.tracking_number,
                                                          "email": citizen.email},
                       HTTP_ACCEPT_LANGUAGE="en").content.decode()
    shown = facts(page)
    assert "Sign-for deadline" in shown and "Reply deadline" not in shown
    assert "estimate" in shown["Answer expected by"]


def test_the_inbox_names_each_cases_clock(client, submit, citizen, official, department):
    to_sign = submit("等待签收", rule_for=department)
    reopened = submit("重办")
    services.case_sign_for(actor=official, case_id=reopened.id)
    services.case_reply(actor=official, case_id=reopened.id, body="已处理。")
    feedback_give(actor=citizen, case_id=reopened.id, resolved=False, satisfaction="unsatisfied", reopen=True)
    client.force_login(official)
    page = client.get(reverse("responses:inbox"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    rows = {title: row for row in re.findall(r"<tr class=.*?</tr>", page, re.S)
            for title in ("等待签收", "重办") if re.search(f"<td[^>]*>{title}</td>", row)}
    assert "签收期限" in rows["等待签收"] and "重办期限" in rows["重办"]
    assert '<th scope="col">期限</th>' in page
    assert fresh(to_sign).due_at and fresh(reopened).due_at


def test_the_api_names_the_deadline_and_the_answer_date(submit, citizen, official, department):
    case = submit(rule_for=department)
    client = token_client(citizen)
    [row] = client.get(reverse("api:cases"), HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    assert row["deadline"]["kind"] == "sign_for" and row["deadline"]["label"] == "Sign-for deadline"
    assert row["deadline"]["paused"] is False and row["deadline"]["overdue"] is False
    assert row["answer_expected_by"]["estimate"] is True
    detail = client.get(reverse("api:case-detail", args=[case.tracking_number]), HTTP_ACCEPT_LANGUAGE="en").json()
    assert detail["deadline"] == row["deadline"] and detail["answer_expected_by"] == row["answer_expected_by"]

    services.case_sign_for(actor=official, case_id=case.id)
    detail = client.get(reverse("api:case-detail", args=[case.tracking_number]), HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert (detail["deadline"]["kind"], detail["deadline"]["label"]) == ("reply", "答复期限")
    assert detail["answer_expected_by"] == {"at": detail["due_at"], "estimate": False, "waits_for_material": False}
    assert detail["deadline"]["due_at"] == detail["due_at"]
    [inbox_row] = token_client(official).get(reverse("api:inbox")).json()["results"]
    assert inbox_row["deadline"]["kind"] == "reply"


migration = importlib.import_module("supervision.migrations.0014_reopened_cases_due")


def test_the_migration_gives_cases_already_reopened_their_re_handling_due_time(submit, citizen, official,
                                                                              department):
    case = submit(rule_for=department)
    services.case_sign_for(actor=official, case_id=case.id)
    services.case_reply(actor=official, case_id=case.id, body="已处理。")
    feedback_give(actor=citizen, case_id=case.id, resolved=False, satisfaction="unsatisfied", reopen=True)
    Case.objects.filter(pk=case.pk).update(due_at=None)  # as reopening left it before
    migration.fill_due(apps, None)
    assert fresh(case).due_at == held_clock(case).due_at


def test_a_deadline_past_its_due_time_says_so(client, submit, citizen, department):
    case = submit(rule_for=department)
    late = timezone.now() - datetime.timedelta(hours=1)
    Case.objects.filter(pk=case.pk).update(due_at=late)
    client.force_login(citizen)
    shown = facts(case_page(client, case, "zh-hans"))
    assert shown["签收期限"] == f'{stamp(late)} <span class="overdue">已超期</span>'
    # The answer is then estimated from now, not from the missed deadline.
    assert answer_expected_by(fresh(case)).at > timezone.now()
