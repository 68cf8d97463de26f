"""Reporting an official: named or anonymous, with evidence only
supervisors open, the handling, the finding told to the reporter, the
rating, and the reported department kept out of all of it."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from notifications.models import Event, Notification
from oversight import services
from oversight.models import Finding, Report, ReportRead, ReportState
from portal.errors import DomainError
from supervision.models import ClockKind, ClockState, SupervisionClock
from tests.conftest import client_for
from tests.factories import CaseFactory
from tests.oversight.conftest import EVIDENCE_NAME, SECRET_BODY
from tests.petitions.test_case_submit import PNG

pytestmark = pytest.mark.django_db


def test_a_signed_in_citizen_reports_with_evidence_about_their_own_case(client, citizen, department, own_case,
                                                                       supervisor):
    page = client_for(client, citizen).post("/oversight/", {
        "department": department.pk, "category": "inaction", "body": SECRET_BODY, "official": "窗口工作人员",
        "case": own_case.pk, "evidence": [SimpleUploadedFile("photo.png", PNG)]})
    report = Report.objects.get()
    assert page.status_code == 302 and page["Location"] == f"/oversight/mine/{report.pk}/"
    assert report.reporter == citizen and report.case == own_case and report.evidence.count() == 1
    assert Notification.objects.filter(recipient=supervisor, event=Event.REPORT_RECEIVED).exists()
    assert SECRET_BODY in client.get(page["Location"]).content.decode()


def test_only_ones_own_case_can_be_linked(citizen, other_citizen, department, own_case):
    with pytest.raises(DomainError):
        services.report_submit(actor=other_citizen, department=department, category="delay", body="x" * 20,
                               case=own_case)
    form_page_case = CaseFactory(citizen=other_citizen)
    assert form_page_case.pk != own_case.pk


def test_a_bad_file_is_refused(client, citizen, department):
    page = client_for(client, citizen).post("/oversight/", {
        "department": department.pk, "category": "inaction", "body": SECRET_BODY,
        "evidence": [SimpleUploadedFile("run.exe", b"MZ\x90\x00 not an image")]})
    assert page.status_code == 200 and not Report.objects.exists()


def test_an_anonymous_report_is_followed_with_its_secret_only(client, department, supervisor):
    page = client.post("/oversight/", {"department": department.pk, "category": "delay", "body": SECRET_BODY})
    report = Report.objects.get()
    assert report.reporter is None and report.secret_hash
    secret = page.context["secret"]
    assert secret in page.content.decode() and secret not in report.secret_hash
    right = client.post("/oversight/follow/", {"tracking_number": report.tracking_number, "secret": secret})
    assert right.status_code == 200 and report.get_state_display() in right.content.decode()
    wrong = client.post("/oversight/follow/", {"tracking_number": report.tracking_number, "secret": "guess"})
    assert wrong.context["report"] is None and "没有与该编号和密码相符的举报" in wrong.content.decode()
    other = client.post("/oversight/follow/", {"tracking_number": "000000-0000-0000-000", "secret": secret})
    assert other.context["report"] is None


def test_follow_up_lookups_are_rate_limited(client, anonymous_report, settings):
    settings.RATELIMIT_ENABLE = True
    report, _secret = anonymous_report
    statuses = [client.post("/oversight/follow/", {"tracking_number": report.tracking_number, "secret": "no"})
                .status_code for _ in range(12)]
    assert statuses[-1] == 429


def test_a_supervisor_reads_and_every_read_is_logged(client, named_report, supervisor):
    page = client_for(client, supervisor).get(f"/oversight/supervise/{named_report.pk}/")
    assert SECRET_BODY in page.content.decode() and EVIDENCE_NAME in page.content.decode()
    evidence = named_report.evidence.get()
    download = client.get(f"/oversight/supervise/{named_report.pk}/evidence/{evidence.pk}/")
    assert download.status_code == 200
    assert list(ReportRead.objects.values_list("reader", "via")) in (
        [(supervisor.pk, "page"), (supervisor.pk, "evidence")], [(supervisor.pk, "evidence"), (supervisor.pk, "page")])


def test_the_reported_departments_official_sees_nothing_of_the_report(client, named_report, official, supervisor):
    services.report_accept(actor=supervisor, report_id=named_report.pk)
    asked = services.explanation_request(actor=supervisor, report_id=named_report.pk,
                                         summary="请说明窗口办理时限情况。",
                                         due_at=timezone.now() + datetime.timedelta(days=5))
    as_official = client_for(client, official)
    evidence = named_report.evidence.get()
    for url in ["/oversight/supervise/", f"/oversight/supervise/{named_report.pk}/",
                f"/oversight/supervise/{named_report.pk}/evidence/{evidence.pk}/", "/oversight/mine/",
                f"/oversight/mine/{named_report.pk}/"]:
        assert as_official.get(url).status_code in (200, 404)
        assert SECRET_BODY not in as_official.get(url).content.decode()
    page = as_official.get(f"/oversight/explanations/{asked.pk}/")
    text = page.content.decode()
    assert "请说明窗口办理时限情况" in text
    for secret in (SECRET_BODY, EVIDENCE_NAME, named_report.reporter.email, named_report.tracking_number,
                   "Clerk Wang"):
        assert secret not in text
    notices = Notification.objects.filter(recipient=official)
    assert [notice.event for notice in notices] == [Event.EXPLANATION_REQUESTED]
    assert all(named_report.tracking_number not in notice.title for notice in notices)
    answered = as_official.post(f"/oversight/explanations/{asked.pk}/", {"answer": "已整改。"})
    assert answered.status_code == 302
    asked.refresh_from_db()
    assert asked.answer == "已整改。" and asked.answered_by == official


def test_an_official_of_another_department_cannot_open_the_request(client, named_report, other_official, supervisor):
    services.report_accept(actor=supervisor, report_id=named_report.pk)
    asked = services.explanation_request(actor=supervisor, report_id=named_report.pk, summary="请说明。",
                                         due_at=timezone.now() + datetime.timedelta(days=5))
    assert client_for(client, other_official).get(f"/oversight/explanations/{asked.pk}/").status_code == 404


def test_the_reporter_cannot_open_the_supervisors_page(client, named_report, citizen, other_citizen):
    assert client_for(client, citizen).get(f"/oversight/supervise/{named_report.pk}/").status_code == 404
    assert client_for(client, other_citizen).get(f"/oversight/mine/{named_report.pk}/").status_code == 404


def test_acceptance_starts_the_verification_clock_and_the_finding_stops_it(named_report, supervisor, citizen,
                                                                           own_case):
    services.report_accept(actor=supervisor, report_id=named_report.pk)
    clock = SupervisionClock.objects.get(kind=ClockKind.REPORT_VERIFICATION)
    assert clock.subject == named_report and clock.department_id is None and clock.limit_amount == 15
    finding = services.finding_record(
        actor=supervisor, report_id=named_report.pk, outcome="substantiated", conclusion="情况属实，已责令整改。",
        notice="某窗口工作人员索要好处，已通报批评。", publish_notice=True, refer=True,
        order_instructions="请三日内办结此案。", order_due_at=timezone.now() + datetime.timedelta(days=3))
    clock.refresh_from_db()
    assert clock.state == ClockState.MET
    named_report.refresh_from_db()
    assert named_report.state == ReportState.CONCLUDED
    assert finding.order.case == own_case and finding.notice_published_at and finding.referred_to_discipline
    assert Notification.objects.filter(recipient=citizen, event=Event.REPORT_FINDING).exists()
    assert named_report.history.count() >= 3 and finding.history.count() == 1


def test_a_declined_report_tells_the_reporter_why(client, named_report, supervisor, citizen):
    client_for(client, supervisor).post(f"/oversight/supervise/{named_report.pk}/decline/",
                                        {"reason": "不属于受理范围"})
    named_report.refresh_from_db()
    assert named_report.state == ReportState.DECLINED
    page = client_for(client, citizen).get(f"/oversight/mine/{named_report.pk}/")
    assert "不属于受理范围" in page.content.decode()


def _conclude(report, supervisor, **kwargs):
    services.report_accept(actor=supervisor, report_id=report.pk)
    return services.finding_record(actor=supervisor, report_id=report.pk, outcome="partly",
                                   conclusion="部分属实。", **kwargs)


def test_the_named_reporter_sees_the_finding_and_rates_once(client, named_report, supervisor, citizen):
    _conclude(named_report, supervisor, refer=True, referral_note="Clerk Wang")
    page = client_for(client, citizen).get(f"/oversight/mine/{named_report.pk}/")
    text = page.content.decode()
    assert "部分属实" in text and "已移送纪检监察机关" in text
    # The referral names the official; the reporter is told only that it was made.
    assert "Clerk Wang" not in text.split('id="finding-heading"')[-1]
    client.post(f"/oversight/mine/{named_report.pk}/", {"rating": "4"})
    client.post(f"/oversight/mine/{named_report.pk}/", {"rating": "1"})
    named_report.refresh_from_db()
    assert named_report.rating == 4


def test_the_anonymous_reporter_sees_the_finding_and_rates_with_the_secret(client, anonymous_report, supervisor):
    report, secret = anonymous_report
    _conclude(report, supervisor)
    credentials = {"tracking_number": report.tracking_number, "secret": secret}
    assert "部分属实" in client.post("/oversight/follow/", credentials).content.decode()
    client.post("/oversight/follow/", {**credentials, "secret": "wrong", "rating": "1"})
    report.refresh_from_db()
    assert report.rating is None
    client.post("/oversight/follow/", {**credentials, "rating": "5"})
    report.refresh_from_db()
    assert report.rating == 5


def test_the_scorecard_shows_published_notices_and_the_count_only(client, named_report, supervisor, department):
    _conclude(named_report, supervisor, notice="通报：某窗口拖延办理。", publish_notice=True)
    text = client.get(f"/public/departments/{department.code}/").content.decode()
    assert "通报：某窗口拖延办理。" in text and SECRET_BODY not in text and "Clerk Wang" not in text
    assert Finding.objects.count() == 1


def test_the_dashboard_shows_patterns(client, named_report, anonymous_report, supervisor,
                                      django_assert_max_num_queries):
    as_supervisor = client_for(client, supervisor)
    page = as_supervisor.get("/supervision/")
    text = page.content.decode()
    assert page.status_code == 200 and "按月统计的各部门、各类型举报数" in text
    assert text.count("城市管理委员会") >= 2  # one row per category: favours and delay
    # The panel costs two queries, whatever the number of reports.
    from django.contrib.auth.models import AnonymousUser

    as_supervisor.get("/supervision/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        as_supervisor.get("/supervision/")
    for _ in range(4):
        services.report_submit(actor=AnonymousUser(), department=named_report.department, category="other",
                               body="x" * 20)
    with CaptureQueriesContext(connection) as after:
        as_supervisor.get("/supervision/")
    assert len(after) == len(before)


def test_the_queue_runs_a_bounded_number_of_queries(client, supervisor, department, django_assert_max_num_queries):
    from django.contrib.auth.models import AnonymousUser

    for _ in range(5):
        services.report_submit(actor=AnonymousUser(), department=department, category="delay", body="x" * 20)
    as_supervisor = client_for(client, supervisor)
    as_supervisor.get("/oversight/supervise/")
    with django_assert_max_num_queries(12):
        page = as_supervisor.get("/oversight/supervise/")
    assert page.content.decode().count("/oversight/supervise/") >= 5


def test_each_pattern_on_the_dashboard_leads_to_the_reports_behind_it(client, named_report, anonymous_report,
                                                                      supervisor, department, other_department):
    services.report_submit(actor=named_report.reporter, department=other_department, category="favours",
                           body="Another department's report")
    as_supervisor = client_for(client, supervisor)
    as_supervisor.post("/i18n/setlang/", {"language": "en", "next": "/"})
    dashboard = as_supervisor.get("/supervision/").content.decode()
    assert department.name_en and department.name_en in dashboard
    month = timezone.localtime(named_report.submitted_at).strftime("%Y-%m")
    link = f"/oversight/supervise/?department={department.pk}&amp;category=favours&amp;month={month}"
    assert link in dashboard
    queue = as_supervisor.get(link.replace("&amp;", "&")).content.decode()
    assert named_report.tracking_number in queue
    assert anonymous_report[0].tracking_number not in queue  # another category
    assert "Another department" not in queue
    last_year = as_supervisor.get(f"/oversight/supervise/?department={department.pk}&month=2001-01").content.decode()
    assert named_report.tracking_number not in last_year


def test_no_email_to_the_reported_department_carries_the_report(named_report, official, head, supervisor,
                                                                citizen, mailoutbox,
                                                                django_capture_on_commit_callbacks):
    """Every message of the whole handling, sent as it would be: those to
    the department's people name a request for an explanation, never the
    report, its words, its evidence or who sent it."""
    with django_capture_on_commit_callbacks(execute=True):
        services.report_accept(actor=supervisor, report_id=named_report.pk)
        asked = services.explanation_request(actor=supervisor, report_id=named_report.pk,
                                             summary="请说明窗口办理时限情况。",
                                             due_at=timezone.now() + datetime.timedelta(days=5))
        services.explanation_answer(actor=official, request_id=asked.pk, answer="已整改。")
        services.finding_record(actor=supervisor, report_id=named_report.pk, outcome="substantiated",
                                conclusion="属实。", notice="通报批评。", publish_notice=True)
    department_mail = [message for message in mailoutbox
                       if {official.email, head.email} & set(message.to)]
    assert department_mail, "the department was not even asked to explain"
    for message in department_mail:
        text = message.subject + message.body + "".join(str(part[0]) for part in getattr(message, "alternatives", []))
        for secret in (SECRET_BODY, EVIDENCE_NAME, citizen.email, str(citizen), named_report.tracking_number,
                       "Clerk Wang"):
            assert secret not in text, (message.subject, secret)
    assert any(citizen.email in message.to for message in mailoutbox)  # the reporter is told
