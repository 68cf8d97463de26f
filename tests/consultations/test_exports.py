"""Exporting every comment of a consultation as CSV or XLSX: written by a
Celery task with its progress, downloaded only by the department's
officials and supervisors."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from consultations import services
from consultations.exports import services as exports
from consultations.exports.columns import COMMENT_COLUMNS
from consultations.exports.models import CommentExport
from tests.conftest import client_for
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _english_pages(client):
    """Pages in English (the site's default is Chinese) unless a test asks otherwise."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def commented(open_consultation, moderator):
    section = open_consultation.sections.get(number=2)
    for _index in range(3):
        services.comment_submit(actor=UserFactory(), consultation_id=open_consultation.pk, body="统一停车收费标准",
                                section_id=section.pk, stance="oppose")
    odd = services.comment_submit(actor=UserFactory(), consultation_id=open_consultation.pk,
                                  body="=HYPERLINK(\"http://evil\")", quote="第二条")
    services.comment_moderate(actor=moderator, comment_id=odd.pk, publish=True)
    for comment in open_consultation.comments.all():
        services.comment_group(comment_id=comment.pk)
    return open_consultation


def download(client, consultation, fmt, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(f"/consultations/{consultation.pk}/export/", {"format": fmt})
    assert started.status_code == 302
    status = client.get(started["Location"]).content.decode()
    export = CommentExport.objects.latest("pk")
    assert "ready" in status and f"/exports/{export.pk}/download/" in status
    response = client.get(f"/consultations/{consultation.pk}/exports/{export.pk}/download/")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_the_csv_and_the_xlsx_have_the_same_columns_and_every_comment(
        client, commented, official, django_capture_on_commit_callbacks):
    from django.utils import timezone

    flooded = commented.comments.filter(quote="").order_by("pk").first().pk
    commented.comments.filter(pk=flooded).update(invalidated_at=timezone.now())  # a supervisor set it aside
    client_for(client, official)
    rows = list(csv.reader(io.StringIO(download(client, commented, "csv",
                                                django_capture_on_commit_callbacks).decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(download(client, commented, "xlsx", django_capture_on_commit_callbacks)),
                          read_only=True).active
    cells = [["" if value is None else str(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    header = ["comment", "section", "stance", "group", "comments in the group", "moderation", "time submitted",
              "time edited", "time invalidated", "quoted passage", "text"]
    assert rows[0] == cells[0] == header and len(header) == len(COMMENT_COLUMNS)
    assert len(rows) == len(cells) == 5
    campaign = [row for row in rows[1:] if row[10] == "统一停车收费标准"]
    assert {(row[1], row[2], row[4], row[5]) for row in campaign} == {("2", "oppose", "3", "awaiting moderation")}
    assert len({row[3] for row in campaign}) == 1  # one group: the campaign
    odd = next(row for row in rows[1:] if row[9] == "第二条")
    assert odd[10].startswith("'=") and odd[5] == "published"  # a formula is kept as text
    assert odd[8] == "" and all(row[8] for row in rows[1:] if row[0] == str(flooded))
    assert [row[0] for row in rows] == [row[0] for row in cells]


@pytest.mark.django_db
def test_the_status_page_polls_while_the_export_runs_and_shows_rows_done(client, commented, official):
    export = CommentExport.objects.create(consultation=commented, requested_by=official, format="xlsx",
                                          state="running", total=4000, done=2000)
    client_for(client, official)
    url = f"/consultations/{commented.pk}/exports/{export.pk}/"
    page = client.get(url).content.decode()
    assert "2000 of 4000 comments" in page and f'hx-get="{url}"' in page and "htmx" in page
    partial = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="export-progress"') and "download" not in partial
    assert client.get(f"{url}download/").status_code == 404  # not finished yet


@pytest.mark.django_db
def test_the_export_records_its_progress_and_runs_once(commented, official, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 2)
    export = CommentExport.objects.create(consultation=commented, requested_by=official, format="csv")
    with CaptureQueriesContext(connection) as queries:
        assert exports.comment_export_run(export_id=export.pk) is not None
    export.refresh_from_db()
    assert (export.state, export.total, export.done) == ("done", 4, 4)
    progress = [query["sql"] for query in queries.captured_queries
                if query["sql"].startswith("UPDATE") and '"done"' in query["sql"]]
    assert len(progress) == 3  # after rows 2 and 4, then the finished file
    assert exports.comment_export_run(export_id=export.pk) is None  # a second delivery does nothing


@pytest.mark.django_db
def test_the_export_reads_the_comments_in_a_fixed_number_of_queries(
        commented, official, django_assert_max_num_queries):
    for _ in range(20):
        services.comment_submit(actor=UserFactory(), consultation_id=commented.pk, body="另一条意见")
    export = CommentExport.objects.create(consultation=commented, requested_by=official, format="csv")
    with django_assert_max_num_queries(12):
        exports.comment_export_run(export_id=export.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("who, status", [("official", 200), ("head", 200), ("supervisor", 200),
                                         ("other_official", 404), ("citizen", 404), ("moderator", 404)])
def test_only_the_departments_officials_and_supervisors_export_and_download(
        client, request, commented, official, who, status, django_capture_on_commit_callbacks):
    export = CommentExport.objects.create(consultation=commented, requested_by=official, format="csv")
    exports.comment_export_run(export_id=export.pk)
    client_for(client, request.getfixturevalue(who))
    base = f"/consultations/{commented.pk}/"
    assert (f"{base}export/" in client.get(base).content.decode()) == (status == 200)  # the link on its page
    assert client.get(f"{base}export/").status_code == status
    assert client.get(f"{base}exports/{export.pk}/").status_code == status
    assert client.get(f"{base}exports/{export.pk}/download/").status_code == status
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(f"{base}export/", {"format": "csv"})
    assert started.status_code == (302 if status == 200 else 404)
    assert CommentExport.objects.count() == (2 if status == 200 else 1)


@pytest.mark.django_db
def test_an_export_of_another_consultation_is_not_found_under_this_one(client, commented, official, head):
    other = services.consultation_create(actor=official, department=commented.department, title="另一个",
                                         text="第一条 x")
    export = CommentExport.objects.create(consultation=other, requested_by=official, format="csv")
    exports.comment_export_run(export_id=export.pk)
    client_for(client, head)
    assert client.get(f"/consultations/{commented.pk}/exports/{export.pk}/download/").status_code == 404
