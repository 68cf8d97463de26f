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


# --- evidence through the API ---------------------------------------------------------------


def _upload(name, content, content_type):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize("signed_in", [True, False], ids=["named", "anonymous"])
def test_evidence_files_are_sent_with_the_report_and_only_supervisors_open_them(
        signed_in, citizen, department, supervisor, official, settings, tmp_path):
    from tests.petitions.test_case_submit import PDF, PNG

    settings.MEDIA_ROOT = tmp_path
    client = token_client(citizen) if signed_in else APIClient()
    sent = client.post(f"{BASE}report/", {
        "department": department.pk, "category": "favours", "body": SECRET_BODY,
        "evidence": [_upload("receipt.png", PNG, "image/png"), _upload("letter.pdf", PDF, "application/pdf")]},
        format="multipart")
    assert sent.status_code == 201, sent.content
    report = Report.objects.get(tracking_number=sent.json()["tracking_number"])
    assert (report.reporter_id is not None) is signed_in
    assert sorted(report.evidence.values_list("original_name", "content_type")) == [
        ("letter.pdf", "application/pdf"), ("receipt.png", "image/png")]

    shown = token_client(supervisor).get(f"{BASE}reports/{report.pk}/").json()["evidence"]
    assert sorted(item["name"] for item in shown) == ["letter.pdf", "receipt.png"]
    png = next(item for item in shown if item["name"] == "receipt.png")
    download = token_client(supervisor).get(png["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert download["Content-Disposition"].startswith("attachment")
    assert ReportRead.objects.filter(report=report, reader=supervisor, via="api-evidence").exists()

    for outsider in (token_client(official), token_client(citizen), APIClient()):
        assert outsider.get(png["url"]).status_code in (401, 403, 404)


@pytest.mark.parametrize("name,content,content_type,code", [
    ("script.png", b"<script>alert(1)</script>", "image/png", "bad_type"),
    ("big.png", None, "image/png", "too_large"),
])
def test_evidence_sent_through_the_api_is_checked_as_on_the_page(name, content, content_type, code, department,
                                                                  supervisor, settings, tmp_path):
    from tests.petitions.test_case_submit import PNG

    settings.MEDIA_ROOT = tmp_path
    settings.ATTACHMENT_MAX_BYTES = 1024
    content = content if content is not None else PNG + b"\0" * 2048
    sent = APIClient().post(f"{BASE}report/", {
        "department": department.pk, "category": "delay", "body": SECRET_BODY,
        "evidence": [_upload(name, content, content_type)]}, format="multipart")
    assert sent.status_code == 400
    assert sent.json()["errors"][0]["field"] == "evidence.0" and sent.json()["errors"][0]["code"] == code
    assert not Report.objects.exists()


def test_at_most_five_evidence_files(department, supervisor, settings, tmp_path):
    from tests.petitions.test_case_submit import PNG

    settings.MEDIA_ROOT = tmp_path
    sent = APIClient().post(f"{BASE}report/", {
        "department": department.pk, "category": "delay", "body": SECRET_BODY,
        "evidence": [_upload(f"{n}.png", PNG, "image/png") for n in range(6)]}, format="multipart")
    assert sent.status_code == 400 and not Report.objects.exists()


def test_the_schema_shows_evidence_on_the_report_request():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    body = schema["paths"]["/api/v1/oversight/report/"]["post"]["requestBody"]["content"]
    multipart = body["multipart/form-data"]["schema"]
    component = schema["components"]["schemas"][multipart["$ref"].rsplit("/", 1)[-1]]
    assert component["properties"]["evidence"]["items"]["format"] == "binary"
    assert "/api/v1/oversight/reports/{report_id}/evidence/{evidence_id}/" in schema["paths"]


def test_handling_through_the_api_logs_the_read_its_answer_is(named_report, supervisor):
    """The answer to an action carries the whole report, so it counts as a read."""
    answer = token_client(supervisor).post(f"{BASE}reports/{named_report.pk}/accept/", {}, format="json")
    assert answer.json()["body"] == SECRET_BODY
    assert list(ReportRead.objects.filter(report=named_report).values_list("reader_id", "via")) == [
        (supervisor.pk, "api")]
