"""Supervisors read supervision records (clocks with their event logs,
extensions, orders) and the rates; other roles are refused."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from petitions.lifecycle import Status
from supervision.clocks import clock_start
from supervision.models import ClockKind, Extension, SupervisionOrder
from supervision.services import extension_request
from tests.api.conftest import session_client, token_client
from tests.factories import DispatchedCaseFactory
from tests.queries import with_access

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervised_case(citizen, official, supervisor, department):
    case = DispatchedCaseFactory(citizen=citizen, lead_department=department, status=Status.ACCEPTED)
    clock = clock_start(case=case, kind=ClockKind.REPLY, start=timezone.now(), department=department)
    extension_request(actor=official, clock_id=clock.pk, reason="需要现场勘查",
                      new_due_at=clock.due_at + datetime.timedelta(days=3))
    SupervisionOrder.objects.create(case=case, department=department, issued_by=supervisor, issued_at=timezone.now(),
                                    instructions="请尽快办理", due_at=timezone.now() + datetime.timedelta(days=2))
    return case


def supervision_url(case):
    return reverse("api:case-supervision", kwargs={"tracking": case.tracking_number})


def test_supervisor_reads_a_cases_clocks_events_extensions_and_orders(supervisor, supervised_case):
    body = token_client(supervisor).get(supervision_url(supervised_case)).json()
    assert body["case"] == supervised_case.tracking_number
    [clock] = body["clocks"]
    assert clock["kind"] == "reply" and clock["state"] == "running"
    assert [event["action"] for event in clock["events"]] == ["started"]
    assert [extension["state"] for extension in clock["extensions"]] == ["pending"]
    assert [order["instructions"] for order in body["orders"]] == ["请尽快办理"]


@pytest.mark.parametrize("actor, expected", [
    ("supervisor", 200), ("official", 200), ("citizen", 403), ("other_official", 404), ("other_citizen", 404),
])
def test_who_reads_a_cases_supervision_records(request, actor, expected, supervised_case):
    response = token_client(request.getfixturevalue(actor)).get(supervision_url(supervised_case))
    assert response.status_code == expected


def test_supervisor_lists_pending_extensions(supervisor, official, supervised_case, django_assert_num_queries):
    client = session_client(supervisor)
    client.get(reverse("api:me"))
    with django_assert_num_queries(with_access(5, roles_and_departments=1)):  # session, user, groups, count, page
        response = client.get(reverse("api:supervision-extensions"))
    [row] = response.json()["results"]
    assert row["case"] == supervised_case.tracking_number and row["reason"] == "需要现场勘查"
    assert token_client(supervisor).get(reverse("api:supervision-extensions"), {"state": "approved"}).json()[
        "count"] == 0
    assert Extension.objects.count() == 1


def test_deadlines_near_breach(supervisor, supervised_case):
    response = token_client(supervisor).get(reverse("api:supervision-deadlines"))
    assert [row["case"] for row in response.json()] == [supervised_case.tracking_number]
    assert token_client(supervisor).get(reverse("api:supervision-deadlines"), {"view": "breached"}).json() == []


def test_overview_lists_every_case(supervisor, supervised_case):
    body = token_client(supervisor).get(reverse("api:supervision-cases"), {"status": "accepted"}).json()
    assert [row["tracking_number"] for row in body["results"]] == [supervised_case.tracking_number]


def test_rates_per_department(supervisor, official, citizen, department, supervised_case):
    from petitions.models import Case
    from responses.models import Reply
    from supervision.metrics import rates_by
    from supervision.services import feedback_give

    Reply.objects.create(case=supervised_case, department=department, author=official, body="已处理",
                         published_at=timezone.now())
    Case.objects.filter(pk=supervised_case.pk).update(status=Status.REPLIED)
    feedback_give(actor=citizen, case_id=supervised_case.pk, resolved=True, satisfaction="satisfied")
    body = token_client(supervisor).get(reverse("api:supervision-rates"), HTTP_ACCEPT_LANGUAGE="en").json()
    [row] = body["rows"]
    assert row["key"] == str(department.pk) and row["label"] == "City Management"
    assert row["evaluated"] == 1 and row["satisfaction_rate"] == 100.0
    from supervision.forms import DashboardForm

    [expected] = rates_by(DashboardForm({}).scope()[0], now=timezone.now())
    assert (row["dispatched"], row["overdue"]) == (expected.dispatched, expected.overdue)
    # The response rate's denominator: sign-for clocks that came due, not every one dispatched.
    assert (row["sign_for_due"], row["response_rate"]) == (expected.sign_for_due, expected.response_rate)
    monthly = token_client(supervisor).get(reverse("api:supervision-rates"), {"by_month": "true"}).json()
    assert monthly["group"] == "month" and monthly["rows"][0]["evaluated"] == 1


def test_bad_rates_scope_names_the_field(supervisor):
    response = token_client(supervisor).get(reverse("api:supervision-rates"), {"start": "yesterday"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "start"


@pytest.mark.parametrize("name", ["api:supervision-cases", "api:supervision-deadlines", "api:supervision-extensions",
                                  "api:supervision-rates"])
@pytest.mark.parametrize("actor", ["official", "citizen", "dispatcher"])
def test_supervision_lists_are_for_supervisors(request, name, actor):
    response = token_client(request.getfixturevalue(actor)).get(reverse(name))
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "permission_denied"
