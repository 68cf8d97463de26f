"""Officials, heads, dispatchers and supervisors act through the generic
action endpoint: the same registry, forms and services as the case page,
the same permission matrix, and domain refusals in the API's error shape."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from petitions.lifecycle import Status
from petitions.models import Case
from responses.actions import offered_actions
from responses.models import Reply
from supervision.clocks import clock_start
from supervision.models import ClockKind, SupervisionOrder
from tests.api.conftest import codes, session_client, token_client
from tests.factories import CaseFactory, DispatchedCaseFactory

pytestmark = pytest.mark.django_db


def actions_url(case):
    return reverse("api:case-actions", kwargs={"tracking": case.tracking_number})


def action_url(case, name):
    return reverse("api:case-action", kwargs={"tracking": case.tracking_number, "action": name})


@pytest.mark.parametrize("actor", ["official", "head", "supervisor", "dispatcher", "citizen"])
def test_listed_actions_are_those_the_case_page_offers(request, actor, citizen, department):
    user = request.getfixturevalue(actor)
    case = DispatchedCaseFactory(citizen=citizen, lead_department=department, status=Status.ACCEPTED)
    listed = token_client(user).get(actions_url(case)).json()
    assert [action["name"] for action in listed["actions"]] == [a.name for a in offered_actions(user, case)]
    assert listed["version"] == case.version


def test_official_signs_for_and_replies(official, department, citizen):
    case = DispatchedCaseFactory(citizen=citizen, lead_department=department)
    client = token_client(official)
    signed = client.post(action_url(case, "sign_for"), {"version": case.version}, format="json")
    assert signed.status_code == 200, signed.content
    assert signed.json()["case"]["status"] == Status.ACCEPTED
    version = signed.json()["case"]["version"]
    replied = client.post(action_url(case, "reply"), {"body": "已安排城管执法队核查处理。", "version": version},
                          format="json")
    assert replied.status_code == 200, replied.content
    assert replied.json()["case"]["status"] == Status.REPLIED
    assert Reply.objects.get(case=case).body == "已安排城管执法队核查处理。"


def test_an_action_on_a_stale_version_is_a_conflict(official, department):
    case = DispatchedCaseFactory(lead_department=department, status=Status.ACCEPTED)
    stale = case.version
    Case.objects.filter(pk=case.pk).update(version=stale + 1)
    response = token_client(official).post(action_url(case, "request_material"),
                                           {"message": "请补充照片", "version": stale}, format="json")
    assert response.status_code == 409
    assert codes(response) == [(None, "case_changed")]
    assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED


def test_a_stale_version_of_an_action_no_longer_offered_is_a_conflict(official, department):
    case = DispatchedCaseFactory(lead_department=department, status=Status.ACCEPTED)  # signed for by a colleague
    response = token_client(official).post(action_url(case, "sign_for"), {"version": case.version - 1},
                                           format="json")
    assert response.status_code == 409


def test_an_action_not_offered_is_forbidden(official, department):
    case = DispatchedCaseFactory(lead_department=department, status=Status.ACCEPTED)
    response = token_client(official).post(action_url(case, "dispatch"), {"department": department.pk},
                                           format="json")
    assert response.status_code == 403
    assert codes(response) == [(None, "permission_denied")]


def test_official_of_another_department_does_not_see_the_case(other_official, department):
    case = DispatchedCaseFactory(lead_department=department)
    response = token_client(other_official).post(action_url(case, "sign_for"), {}, format="json")
    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).status == Status.DISPATCHED


def test_form_errors_name_the_field(official, department):
    case = DispatchedCaseFactory(lead_department=department, status=Status.ACCEPTED)
    response = token_client(official).post(action_url(case, "reply"), {"body": ""}, format="json")
    assert response.status_code == 400
    assert codes(response) == [("body", "required")]


def test_a_refusal_from_the_service_is_a_400_with_its_message(official, department):
    case = DispatchedCaseFactory(lead_department=department, status=Status.ACCEPTED)
    clock = clock_start(case=case, kind=ClockKind.REPLY, start=timezone.now(), department=department)
    earlier = timezone.localtime(clock.due_at - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = token_client(official).post(
        action_url(case, "extension"), {"clock": clock.pk, "reason": "需要现场勘查", "new_due_at": earlier},
        format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": None, "code": "refused", "message": "Choose a new due time later than the current one."}]


def test_unknown_action_is_404(official, department):
    case = DispatchedCaseFactory(lead_department=department)
    assert token_client(official).post(action_url(case, "teleport"), {}, format="json").status_code == 404


def test_dispatcher_dispatches_from_the_routing_centre(dispatcher, department):
    case = CaseFactory(status=Status.ROUTING_CENTRE)
    client = token_client(dispatcher)
    queue = client.get(reverse("api:routing-centre")).json()
    assert [row["tracking_number"] for row in queue["results"]] == [case.tracking_number]
    done = client.post(action_url(case, "dispatch"), {"department": department.pk, "assisting": []}, format="json")
    assert done.status_code == 200, done.content
    assert Case.objects.get(pk=case.pk).lead_department == department


def test_supervisor_issues_an_order_and_the_official_answers(supervisor, official, department):
    case = DispatchedCaseFactory(lead_department=department, status=Status.ACCEPTED)
    due = (timezone.localtime() + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    issued = token_client(supervisor).post(action_url(case, "issue_order"),
                                           {"instructions": "请三日内反馈", "due_at": due}, format="json")
    assert issued.status_code == 200, issued.content
    order = SupervisionOrder.objects.get(case=case)
    answered = token_client(official).post(action_url(case, "answer_order"),
                                           {"order": order.pk, "response": "已办理"}, format="json")
    assert answered.status_code == 200, answered.content
    order.refresh_from_db()
    assert order.state == SupervisionOrder.State.ANSWERED


def test_official_returns_a_case_that_is_not_theirs(official, department):
    case = DispatchedCaseFactory(lead_department=department)
    response = token_client(official).post(action_url(case, "return"), {"reason": "不属于本部门职责"},
                                           format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, response.content
    assert response.json()["message"] == "The case went back to the routing centre."
    assert response.json()["case"]["status"] == Status.RETURNED


def test_a_browser_session_must_send_the_csrf_token(official, department):
    from rest_framework.test import APIClient

    case = DispatchedCaseFactory(lead_department=department)
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(official)
    refused = browser.post(action_url(case, "sign_for"), {}, format="json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["errors"][0]["message"]
    assert Case.objects.get(pk=case.pk).status == Status.DISPATCHED
    # The same request with the cookie's token in the header goes through.
    browser.get(reverse("home"))
    csrf = browser.cookies.get("csrftoken")
    if csrf is None:
        from django.middleware.csrf import _get_new_csrf_string

        browser.cookies["csrftoken"] = csrf_value = _get_new_csrf_string()
    else:
        csrf_value = csrf.value
    accepted = browser.post(action_url(case, "sign_for"), {}, format="json", HTTP_X_CSRFTOKEN=csrf_value)
    assert accepted.status_code == 200, accepted.content
    assert session_client(official).get(actions_url(case)).status_code == 200
