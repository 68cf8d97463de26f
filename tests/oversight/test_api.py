"""The API of reports: reporting named and anonymously, following with the
secret, the supervisors' handling, the department's answer, and nothing of
the report for the department's officials."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from oversight.models import Report, ReportRead, ReportState
from tests.api.conftest import token_client
from tests.oversight.conftest import SECRET_BODY

pytestmark = pytest.mark.django_db
BASE = "/api/v1/oversight/"


def test_a_citizen_reports_named_and_a_visitor_anonymously(citizen, department, own_case, supervisor):
    named = token_client(citizen).post(f"{BASE}report/", {
        "department": department.pk, "category": "delay", "body": SECRET_BODY, "case": own_case.tracking_number},
        format="json")
    assert named.status_code == 201 and named.json()["secret"] == ""
    report = Report.objects.get(tracking_number=named.json()["tracking_number"])
    assert report.reporter == citizen and report.case == own_case
    mine = token_client(citizen).get(f"{BASE}mine/").json()["results"]
    assert [row["tracking_number"] for row in mine] == [report.tracking_number]

    anonymous = APIClient().post(f"{BASE}report/", {"department": department.pk, "category": "attitude",
                                                    "body": "窗口人员态度恶劣，拒绝解释。"}, format="json")
    secret = anonymous.json()["secret"]
    assert anonymous.status_code == 201 and secret
    number = anonymous.json()["tracking_number"]
    followed = APIClient().post(f"{BASE}follow/", {"tracking_number": number, "secret": secret}, format="json")
    assert followed.status_code == 200 and followed.json()["state"] == ReportState.SUBMITTED
    wrong = APIClient().post(f"{BASE}follow/", {"tracking_number": number, "secret": "x" + secret}, format="json")
    assert wrong.status_code == 404


def test_another_citizens_case_cannot_be_linked(other_citizen, department, own_case):
    answer = token_client(other_citizen).post(f"{BASE}report/", {
        "department": department.pk, "category": "delay", "body": SECRET_BODY, "case": own_case.tracking_number},
        format="json")
    assert answer.status_code == 400 and not Report.objects.exists()


def test_supervisors_handle_and_the_department_answers_only_the_summary(named_report, supervisor, official,
                                                                         citizen):
    as_supervisor = token_client(supervisor)
    base = f"{BASE}reports/{named_report.pk}/"
    assert as_supervisor.get(base).json()["body"] == SECRET_BODY
    assert ReportRead.objects.filter(report=named_report, reader=supervisor, via="api").exists()
    assert as_supervisor.post(f"{base}accept/", {}, format="json").json()["state"] == ReportState.VERIFYING
    due = (timezone.now() + datetime.timedelta(days=3)).isoformat()
    as_supervisor.post(f"{base}explain/", {"summary": "请说明窗口办理时限。", "due_at": due}, format="json")

    as_official = token_client(official)
    for url in [f"{BASE}reports/", base, f"{base}accept/"]:
        assert as_official.get(url).status_code in (403, 404, 405)
    listed = as_official.get(f"{BASE}explanations/")
    assert SECRET_BODY not in listed.content.decode() and "Clerk Wang" not in listed.content.decode()
    asked = listed.json()["results"][0]
    assert asked["summary"] == "请说明窗口办理时限。"
    answered = as_official.post(f"{BASE}explanations/{asked['id']}/answer/", {"answer": "已整改。"}, format="json")
    assert answered.status_code == 200 and answered.json()["answer"] == "已整改。"

    done = as_supervisor.post(f"{base}finding/", {"outcome": "substantiated", "conclusion": "属实，已整改。",
                                                  "refer": True, "referral_note": "Clerk Wang"}, format="json")
    assert done.json()["state"] == ReportState.CONCLUDED
    own = token_client(citizen).get(f"{BASE}mine/").json()["results"][0]
    assert own["finding"]["outcome"] == "substantiated" and own["finding"]["referred_to_discipline"]
    assert "Clerk Wang" not in str(own["finding"])
    assert token_client(citizen).post(f"{BASE}mine/{named_report.pk}/rate/", {"rating": 5},
                                      format="json").json()["rating"] == 5
    assert token_client(citizen).post(f"{BASE}mine/{named_report.pk}/rate/", {"rating": 1},
                                      format="json").status_code == 400


def test_the_reporter_cannot_handle_their_own_report(named_report, citizen):
    assert token_client(citizen).post(f"{BASE}reports/{named_report.pk}/accept/", {}, format="json").status_code \
        in (403, 404)
    named_report.refresh_from_db()
    assert named_report.state == ReportState.SUBMITTED
