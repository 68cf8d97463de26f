"""Reads of reports: the supervisors' queue, a reporter's own reports, the
department's explanation requests, patterns and the public aggregates."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.roles import user_department_ids
from oversight.models import ExplanationRequest, Finding, Outcome, Report, ReportCategory, ReportRead, ReportState
from supervision.models import ClockKind, SupervisionClock


def reports_for_supervisors(state: str = ""):
    reports = Report.objects.select_related("department").order_by("-submitted_at")
    return reports.filter(state=state) if state in ReportState.values else reports


def reports_of(user):
    return Report.objects.filter(reporter=user).select_related("department", "finding").order_by("-submitted_at")


def explanations_for(user):
    return (ExplanationRequest.objects.filter(department_id__in=user_department_ids(user))
            .select_related("department").order_by("-requested_at"))


def verification_clock(report):
    return SupervisionClock.objects.filter(subject_type=ContentType.objects.get_for_model(Report),
                                           subject_id=report.pk, kind=ClockKind.REPORT_VERIFICATION).first()


def reads_of(report, limit=50):
    return ReportRead.objects.filter(report=report).select_related("reader").order_by("-read_at")[:limit]


def case_clocks(case):
    return SupervisionClock.objects.filter(case=case).select_related("department").order_by("started_at")


def patterns(*, start: datetime.datetime, end: datetime.datetime, department_id=None, limit: int = 30):
    """Reports per department, category and month in [start, end): one
    grouped query, bounded."""
    reports = Report.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    if department_id:
        reports = reports.filter(department_id=department_id)
    rows = (reports.annotate(month=TruncMonth("submitted_at")).values("month", "department__name", "category")
            .annotate(count=Count("id")).order_by("-month", "-count")[:limit])
    labels = dict(ReportCategory.choices)
    return [{**row, "category_label": labels.get(row["category"], row["category"])} for row in rows]


def published_notices(department, limit: int = 10):
    return (Finding.objects.filter(department=department, notice_published_at__isnull=False)
            .order_by("-notice_published_at").only("notice", "notice_published_at", "outcome")[:limit])


def substantiated_count(department) -> int:
    return Finding.objects.filter(department=department,
                                  outcome__in=[Outcome.SUBSTANTIATED, Outcome.PARTLY]).count()


def recent_window(now=None, days=365):
    now = now or timezone.now()
    return now - datetime.timedelta(days=days), now
