"""The supervisors' dashboard: who sees it, what it shows, drill-down,
exports, and a fixed number of queries."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from supervision.models import ExportJob
from tests.supervision.test_metrics import END, START, data  # noqa: F401 - the hand-made data set

PERIOD = {"start": "2026-03-01", "end": "2026-03-31"}


@pytest.mark.django_db
@pytest.mark.parametrize("who, status", [("supervisor", 200), ("official", 403), ("citizen", 403)])
def test_only_supervisors_see_the_dashboard(client, request, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("supervision:dashboard")).status_code == status
    assert client.get(reverse("supervision:dashboard_export", args=["csv"])).status_code == status


@pytest.mark.django_db
def test_dashboard_ranks_departments_and_draws_the_trend(client, supervisor, data):  # noqa: F811
    a, b, c = data
    client.force_login(supervisor)
    page = client.get(reverse("supervision:dashboard"), {**PERIOD, "sort": "response_rate"},
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    row = "<th scope=\"row\">{}</th>"
    assert page.index(row.format(b.name_en)) < page.index(row.format(a.name_en))  # 100 % ranks above 60 %
    # Seen today, the reply still running since March is overdue too: 2 of 4 replied in time.
    assert "60.0%" in page and "50.0%" in page and "75.0%" in page
    # The department whose cases are all still running and not due has no rate, not 0 %.
    gamma = page[page.index(row.format(c.name_en)):]
    gamma = gamma[:gamma.index("</tr>")]
    assert "%" not in gamma and gamma.count("—") >= 6
    assert "<svg" in page and "<polyline" in page and 'role="img"' in page


@pytest.mark.django_db
def test_drill_down_from_a_rate_lists_the_cases_behind_it(client, supervisor, data):  # noqa: F811
    a, _b, _c = data
    client.force_login(supervisor)
    response = client.get(reverse("supervision:drill_down"),
                          {**PERIOD, "key": a.pk, "metric": "signed_in_time"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "3 cases" in response.content.decode()
    assert client.get(reverse("supervision:drill_down"), {"metric": "nonsense"}).status_code == 404


@pytest.mark.django_db
def test_export_csv_and_xlsx_hold_the_ranking(client, supervisor, data):  # noqa: F811
    a, _b, c = data
    client.force_login(supervisor)
    csv_bytes = client.get(reverse("supervision:dashboard_export", args=["csv"]), PERIOD,
                           HTTP_ACCEPT_LANGUAGE="en").content
    rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Department", "Cases dispatched", "Sign-for due", "Response rate %", "Replies due"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name[str(a)][1:4] == ["6", "5", "60.0"]
    assert by_name[str(c)][1:4] == ["1", "0", ""]  # no rate, not 0 %
    xlsx = client.get(reverse("supervision:dashboard_export", args=["xlsx"]), PERIOD).content
    sheet = load_workbook(io.BytesIO(xlsx)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert [row[1] for row in values[1:]] == [int(row[1]) for row in rows[1:]]


@pytest.mark.django_db
def test_a_large_export_runs_in_the_background_with_progress(client, supervisor, data,  # noqa: F811
                                                             django_capture_on_commit_callbacks):
    a, _b, _c = data
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("supervision:export_start"),
                               {**PERIOD, "key": a.pk, "metric": "dispatched", "format": "xlsx"})
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("supervision:export_status", args=[job.pk])
    assert (job.state, job.total, job.done, job.percent) == ("done", 6, 6, 100)
    fragment = client.get(reverse("supervision:export_status", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert "hx-get" not in fragment.content.decode() and "download" in fragment.content.decode()
    workbook = load_workbook(io.BytesIO(b"".join(
        client.get(reverse("supervision:export_download", args=[job.pk])).streaming_content)))
    assert workbook.active.max_row == 7


@pytest.mark.django_db
def test_someone_elses_export_is_not_found(client, supervisor, data):  # noqa: F811
    from tests.factories import UserFactory

    job = ExportJob.objects.create(requested_by=supervisor, parameters={}, format="csv")
    client.force_login(UserFactory(roles=["supervisor"]))
    assert client.get(reverse("supervision:export_status", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_an_export_is_not_found_once_its_supervisor_is_no_longer_one(client, supervisor):
    """The file holds cases its maker may no longer see: it answers as a
    missing export does."""
    from django.contrib.auth.models import Group
    from django.core.files.base import ContentFile

    job = ExportJob.objects.create(requested_by=supervisor, parameters={}, format="csv", state=ExportJob.State.DONE)
    job.file.save("former.csv", ContentFile(b"case\n"), save=True)
    client.force_login(supervisor)
    assert client.get(reverse("supervision:export_download", args=[job.pk])).status_code == 200
    supervisor.groups.remove(Group.objects.get(name="supervisor"))
    client.force_login(supervisor)
    for name in ("supervision:export_status", "supervision:export_download"):
        forbidden = client.get(reverse(name, args=[job.pk]))
        missing = client.get(reverse(name, args=[job.pk + 1000]))
        assert forbidden.status_code == missing.status_code == 404
        # The pages differ only in the CSRF token and the address they return to.
        assert re.sub(rb'value="[^"]*"', b"", forbidden.content) == re.sub(rb'value="[^"]*"', b"", missing.content)


@pytest.mark.django_db
def test_an_unfinished_or_lost_export_is_not_found(client, supervisor):
    job = ExportJob.objects.create(requested_by=supervisor, parameters={}, format="csv")
    client.force_login(supervisor)
    assert client.get(reverse("supervision:export_download", args=[job.pk])).status_code == 404
    job.state = ExportJob.State.DONE
    job.file.name = "exports/gone.csv"
    job.save()
    assert client.get(reverse("supervision:export_download", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_dashboard_runs_the_same_number_of_queries_whatever_the_number_of_departments(client, supervisor):
    from supervision.models import ClockKind, ClockState
    from tests.factories import DepartmentFactory
    from tests.supervision.test_metrics import IN_PERIOD, clock

    client.force_login(supervisor)

    def add(count):
        for _ in range(count):
            clock(DepartmentFactory(), ClockKind.SIGN_FOR, ClockState.MET, hours=2, started=IN_PERIOD)

    add(2)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("supervision:dashboard"), PERIOD)
    add(10)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("supervision:dashboard"), PERIOD)
    assert len(many) == len(few)
    assert START < END


@pytest.mark.django_db
def test_the_monthly_table_tells_no_rate_from_0_percent(client, supervisor):
    from supervision.models import ClockKind, ClockState
    from supervision.tallies import rebuild
    from tests.factories import DepartmentFactory
    from tests.supervision.test_metrics import clock

    late, waiting = DepartmentFactory(), DepartmentFactory()
    clock(late, ClockKind.SIGN_FOR, ClockState.BREACHED, hours=20)
    clock(waiting, ClockKind.SIGN_FOR, ClockState.RUNNING, stopped=False, due_in_days=3650)
    rebuild()
    client.force_login(supervisor)
    for department, shown in ((late, ">0.0</td>"), (waiting, ">—</td>")):
        page = client.get(reverse("supervision:dashboard"), {**PERIOD, "department": department.pk}).content.decode()
        trend = page[page.index('id="trend-heading"'):]
        assert re.search(f'<th scope="row">2026-03</th><td[^>]*{shown}', trend)


def test_the_export_header_is_in_chinese_for_a_chinese_request():
    from django.utils import translation

    from supervision.exports import rate_header

    with translation.override("zh-hans"):
        header = rate_header()
    assert header[:5] == ["承办部门", "派单量", "应签收量", "响应率 %", "应答复量"]
    assert not any(label.isascii() and label.strip("%()h ").isalpha() for label in header)


@pytest.mark.django_db
def test_the_exports_follow_the_supervisors_language(client, supervisor, data,  # noqa: F811
                                                     django_capture_on_commit_callbacks):
    a, _b, _c = data
    client.force_login(supervisor)
    rows = list(csv.reader(io.StringIO(client.get(
        reverse("supervision:dashboard_export", args=["csv"]), {**PERIOD, "group": "category"},
        HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode("utf-8-sig"))))
    # Grouped by category, the first column is the category; the count of dispatches is a count.
    assert rows[0][:4] == ["问题分类", "派单量", "应签收量", "响应率 %"]
    assert "派单时间" not in rows[0]
    supervisor.language = "zh-hans"
    supervisor.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("supervision:export_start"), {**PERIOD, "key": a.pk, "metric": "dispatched",
                                                          "format": "csv"})
    job = ExportJob.objects.get()
    header = next(csv.reader(io.StringIO(job.file.open("rb").read().decode("utf-8-sig"))))
    assert header[:4] == ["受理编号", "标题", "诉求类型", "状态"]
    assert not any(name.isascii() for name in header)
