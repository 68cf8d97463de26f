"""The verification clock tells the supervisors only, and leads to the
report's page; administrators read the log of staff reads but cannot edit it."""

import datetime

import pytest
from django.utils import timezone

from notifications.models import Notification
from oversight import services
from oversight.models import ReportRead
from supervision import scan
from supervision.models import ClockKind, SupervisionClock
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_late_verification_tells_the_supervisors_and_never_the_department(named_report, supervisor, official):
    services.report_accept(actor=supervisor, report_id=named_report.pk)
    moment = timezone.now() - datetime.timedelta(minutes=1)
    SupervisionClock.objects.filter(kind=ClockKind.REPORT_VERIFICATION).update(warn_at=moment, due_at=moment)
    scan.scan()
    notices = Notification.objects.filter(recipient=supervisor, path=f"/oversight/supervise/{named_report.pk}/")
    assert {notice.event for notice in notices} >= {"reminder", "breached"}
    assert not Notification.objects.filter(recipient=official).exists()


def test_the_breached_list_names_the_report_by_number_only(client, named_report, supervisor):
    services.report_accept(actor=supervisor, report_id=named_report.pk)
    moment = timezone.now() - datetime.timedelta(minutes=1)
    SupervisionClock.objects.filter(kind=ClockKind.REPORT_VERIFICATION).update(warn_at=moment, due_at=moment)
    scan.scan()
    text = client_for(client, supervisor).get("/supervision/deadlines/").content.decode()
    assert named_report.tracking_number in text and "Clerk Wang" not in text


def test_administrators_read_the_log_and_cannot_change_it(client, named_report, supervisor):
    client_for(client, supervisor).get(f"/oversight/supervise/{named_report.pk}/")
    read = ReportRead.objects.get()
    admin = UserFactory(is_staff=True, is_superuser=True)
    as_admin = client_for(client, admin)
    listing = as_admin.get("/admin/oversight/reportread/")
    assert listing.status_code == 200 and named_report.tracking_number in listing.content.decode()
    assert as_admin.get("/admin/oversight/reportread/add/").status_code == 403
    assert as_admin.post(f"/admin/oversight/reportread/{read.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ReportRead.objects.count() == 1


def test_the_verification_clock_state_is_in_full_width_brackets_in_chinese(client, named_report, supervisor):
    services.report_accept(actor=supervisor, report_id=named_report.pk)
    browser = client_for(client, supervisor)
    browser.cookies["django_language"] = "zh-hans"
    text = browser.get(f"/oversight/supervise/{named_report.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "（计时中）" in text and "(计时中)" not in text
