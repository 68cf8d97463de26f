"""The feedback report clock where supervisors and the public look: the
supervisors' dashboard and the department's scorecard show reports due,
published on time, late and still awaited, in one bounded query."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.selectors import report_clock_figures
from supervision.models import ClockKind, SupervisionClock
from tests.consultations.conftest import TEXT, close_now
from tests.factories import official_of

pytestmark = pytest.mark.django_db


def closed_consultation(official, head, title):
    draft = services.consultation_create(actor=official, department=official.memberships.get().department,
                                         title=title, text=TEXT)
    consultation = close_now(services.consultation_publish(actor=head, consultation_id=draft.pk))
    services.consultations_close_due()
    return consultation


@pytest.fixture
def reports(official, head, other_department):
    """In the department: a report published on time, one late and still
    awaited, one awaited and not yet due; in another department, one late."""
    on_time = closed_consultation(official, head, "准时")
    services.report_publish(actor=head, consultation_id=on_time.pk, summary="已采纳。")
    late = closed_consultation(official, head, "逾期")
    awaited = closed_consultation(official, head, "未到期")
    other_official = official_of(other_department)
    from accounts.models import DepartmentMembership

    DepartmentMembership.objects.filter(user=other_official).update(is_head=True)
    elsewhere = closed_consultation(other_official, other_official, "别处逾期")
    past = timezone.now() - datetime.timedelta(days=2)
    SupervisionClock.objects.filter(kind=ClockKind.CONSULTATION_REPORT,
                                    subject_id__in=[late.pk, elsewhere.pk]).update(due_at=past, warn_at=past)
    return on_time, late, awaited, elsewhere


def figures_in(page: str) -> list[int]:
    block = page[page.index('data-testid="consultation-reports"'):]
    block = block[:block.index("</dl>")]
    return [int(n) for n in re.findall(r"<dd>(\d+)</dd>", block)]


def period():
    today = timezone.localdate()
    return {"start": (today - datetime.timedelta(days=10)).isoformat(),
            "end": (today + datetime.timedelta(days=60)).isoformat()}


def test_the_dashboard_shows_reports_due_on_time_late_and_awaited(client, supervisor, department, reports):
    client.force_login(supervisor)
    page = client.get(reverse("supervision:dashboard"), period(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Feedback reports on consultations due in the period" in page
    # due, on time, late, still awaited past the deadline, awaited before it
    assert figures_in(page) == [4, 1, 2, 2, 1]
    one = client.get(reverse("supervision:dashboard"), {**period(), "department": department.pk},
                     HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert figures_in(one) == [3, 1, 1, 1, 1]


def test_a_report_published_late_stays_late(client, supervisor, head, reports):
    _on_time, late, _awaited, _elsewhere = reports
    services.report_publish(actor=head, consultation_id=late.pk, summary="迟到的报告。")
    client.force_login(supervisor)
    page = client.get(reverse("supervision:dashboard"), period(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert figures_in(page) == [4, 1, 2, 1, 1]


def test_the_department_scorecard_shows_its_own_report_figures(client, department, reports):
    page = client.get(reverse("publication:department_detail", args=[department.code]),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Feedback reports on consultations" in page
    # due, on time, late, awaited
    assert figures_in(page) == [3, 1, 1, 1]


def test_the_figures_are_one_query_whatever_the_number_of_clocks(reports, django_assert_max_num_queries):
    now = timezone.now()
    report_clock_figures(start=now - datetime.timedelta(days=1), end=now + datetime.timedelta(days=60))
    with django_assert_max_num_queries(1):
        figures = report_clock_figures(start=now - datetime.timedelta(days=10), end=now + datetime.timedelta(days=60))
    assert figures["due"] == 4
