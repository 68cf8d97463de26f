"""The department inbox: newest first, filtered, paginated, and the same
number of queries whatever the number of rows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from petitions.lifecycle import Status
from tests.factories import DispatchedCaseFactory


def make_cases(department, count, **kwargs):
    now = timezone.now()
    return [
        DispatchedCaseFactory(lead_department=department, submitted_at=now - datetime.timedelta(minutes=i), **kwargs)
        for i in range(count)
    ]


@pytest.mark.django_db
def test_inbox_lists_newest_first_with_status_urgency_and_due_date(client, official, department):
    cases = make_cases(department, 3)
    client.force_login(official)
    page = client.get(reverse("responses:inbox")).content.decode()
    positions = [page.index(case.tracking_number) for case in cases]
    assert positions == sorted(positions)
    assert "dispatched" in page or "已派单" in page


@pytest.mark.django_db
def test_inbox_filters_by_status(client, official, department):
    waiting = make_cases(department, 2)
    accepted = make_cases(department, 1, status=Status.ACCEPTED)
    client.force_login(official)
    page = client.get(reverse("responses:inbox"), {"status": Status.ACCEPTED}).content.decode()
    assert accepted[0].tracking_number in page
    assert all(case.tracking_number not in page for case in waiting)


@pytest.mark.django_db
def test_inbox_is_paginated(client, official, department):
    cases = make_cases(department, 30)
    client.force_login(official)
    first = client.get(reverse("responses:inbox")).content.decode()
    second = client.get(reverse("responses:inbox"), {"page": 2}).content.decode()
    assert cases[0].tracking_number in first and cases[29].tracking_number not in first
    assert cases[29].tracking_number in second


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["responses:inbox", "supervision:overview", "petitions:my_cases"])
def test_list_pages_run_the_same_number_of_queries_for_5_or_25_rows(
    client, official, supervisor, citizen, department, django_assert_num_queries, url_name
):
    user = {"responses:inbox": official, "supervision:overview": supervisor, "petitions:my_cases": citizen}[url_name]
    client.force_login(user)
    url = reverse(url_name)
    make_cases(department, 5, citizen=citizen)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    make_cases(department, 20, citizen=citizen)
    with django_assert_num_queries(len(few)):
        assert client.get(url).status_code == 200
