"""Reads of reports: the supervisors' queue, a reporter's own reports, the
department's explanation requests, patterns and the public aggregates."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import get_language

from accounts.roles import user_department_ids
from oversight.models import ExplanationRequest, Finding, Outcome, Report, ReportCategory, ReportRead, ReportState
from supervision.models import ClockKind, SupervisionClock


def reports_for_supervisors(state: str = "", *, department_id=None, category: str = "", month=None):
    """The supervisors' queue, filtered as the dashboard's patterns drill
    down to it: by state, department, category and month."""
    reports = Report.objects.select_related("department").order_by("-submitted_at")
    if state in ReportState.values:
        reports = reports.filter(state=state)
    if department_id:
        reports = reports.filter(department_id=department_id)
    if category in ReportCategory.values:
        reports = reports.filter(category=category)
    if month is not None:
        start = timezone.make_aware(datetime.datetime(month.year, month.month, 1))
        end = timezone.make_aware(datetime.datetime(month.year + month.month // 12, month.month % 12 + 1, 1))
        reports = reports.filter(submitted_at__gte=start, submitted_at__lt=end)
    return reports


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
    rows = (reports.annotate(month=TruncMonth("submitted_at"))
            .values("month", "department_id", "department__name", "department__name_en", "category")
            .annotate(count=Count("id")).order_by("-month", "-count")[:limit])
    labels = dict(ReportCategory.choices)
    english = (get_language() or "").startswith("en")
    return [{**row, "category_label": labels.get(row["category"], row["category"]),
             "department_label": (english and row["department__name_en"]) or row["department__name"]}
            for row in rows]


def published_notices(department, limit: int = 10):
    return (Finding.objects.filter(department=department, notice_published_at__isnull=False)
            .order_by("-notice_published_at").only("notice", "notice_published_at", "outcome")[:limit])


def substantiated_count(department) -> int:
    return Finding.objects.filter(department=department,
                                  outcome__in=[Outcome.SUBSTANTIATED, Outcome.PARTLY]).count()


def recent_window(now=None, days=365):
    now = now or timezone.now()
    return now - datetime.timedelta(days=days), now
