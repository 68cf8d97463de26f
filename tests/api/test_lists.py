"""The inbox, the routing centre and the supervisors' lists: the inbox
page's filters, pagination, role checks, and a fixed number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from petitions.lifecycle import Status
from responses.forms import InboxFilterForm
from responses.selectors import inbox_for_user
from tests.api.conftest import codes, session_client, token_client
from tests.factories import CaseFactory, CategoryFactory, DispatchedCaseFactory
from tests.queries import with_access

pytestmark = pytest.mark.django_db


def numbers(response):
    return [row["tracking_number"] for row in response.json()["results"]]


def make_cases(department, count, **kwargs):
    now = timezone.now()
    return [DispatchedCaseFactory(lead_department=department, submitted_at=now - datetime.timedelta(minutes=i),
                                  **kwargs) for i in range(count)]


def test_inbox_lists_the_departments_cases_newest_first(official, department, other_department):
    mine = make_cases(department, 3)
    make_cases(other_department, 2)
    response = token_client(official).get(reverse("api:inbox"))
    assert response.status_code == 200
    assert numbers(response) == [case.tracking_number for case in mine]


@pytest.mark.parametrize("query", [
    {"status": "accepted"}, {"kind": "suggestion"}, {"urgency": "urgent"}, {"mine": "true"}, {"due": "overdue"},
    {"sort": "oldest"}, {"q": "施工"}, {"status": "dispatched", "sort": "due"},
])
def test_inbox_filters_are_the_inbox_pages(official, department, query):
    now = timezone.now()
    make_cases(department, 2)
    make_cases(department, 1, status=Status.ACCEPTED, assigned_to=official)
    make_cases(department, 1, kind="suggestion", urgency="urgent")
    make_cases(department, 1, due_at=now - datetime.timedelta(hours=2), title="夜间施工")
    expected = [case.tracking_number for case in inbox_for_user(official, InboxFilterForm(query).filters())]
    response = token_client(official).get(reverse("api:inbox"), query)
    assert response.status_code == 200
    assert numbers(response) == expected
    assert 0 < len(expected) < 5 or query == {"sort": "oldest"}


def test_category_filter(official, department):
    category = CategoryFactory()
    wanted = make_cases(department, 1, category=category)[0]
    make_cases(department, 2)
    response = token_client(official).get(reverse("api:inbox"), {"category": category.pk})
    assert numbers(response) == [wanted.tracking_number]


def test_a_bad_filter_says_which(official):
    response = token_client(official).get(reverse("api:inbox"), {"status": "lost", "category": "x"})
    assert response.status_code == 400
    assert set(codes(response)) == {("status", "invalid_choice"), ("category", "invalid_choice")}


def test_inbox_pages(official, department):
    make_cases(department, 30)
    client = token_client(official)
    first = client.get(reverse("api:inbox")).json()
    assert first["count"] == 30 and first["count_is_exact"] and len(first["results"]) == 25 and first["next"]
    second = client.get(reverse("api:inbox"), {"page": 2}).json()
    assert len(second["results"]) == 5 and second["next"] is None
    small = client.get(reverse("api:inbox"), {"page_size": 10}).json()
    assert len(small["results"]) == 10
    beyond = client.get(reverse("api:inbox"), {"page": 9})
    assert beyond.status_code == 404 and codes(beyond) == [(None, "not_found")]


def test_a_long_inbox_is_counted_up_to_a_limit_and_paged_on_past_it(official, department, monkeypatch):
    monkeypatch.setattr("portal.pagination.COUNT_LIMIT", 4)
    cases = make_cases(department, 7)
    client = token_client(official)
    first = client.get(reverse("api:inbox"), {"page_size": 2}).json()
    assert first["count"] == 4 and first["count_is_exact"] is False
    assert numbers_of(first) == [case.tracking_number for case in cases[:2]]
    assert first["previous"] is None and "page=2" in first["next"]
    last = client.get(first["next"].replace("page=2", "page=4")).json()
    assert numbers_of(last) == [cases[6].tracking_number] and last["next"] is None and "page=3" in last["previous"]
    assert client.get(reverse("api:inbox"), {"page_size": 2, "page": 5}).status_code == 404
    for page in ("0", "-1", "x", "9" * 5000):
        response = client.get(reverse("api:inbox"), {"page": page})
        assert response.status_code == 404 and codes(response) == [(None, "not_found")]


def numbers_of(body):
    return [row["tracking_number"] for row in body["results"]]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_inbox_rows_are_what_the_declared_fields_give(official, department, other_department, language):
    """InboxCaseSerializer builds its rows directly; the schema comes from its
    declared fields. Both must agree."""
    from django.test import RequestFactory
    from django.utils import translation
    from rest_framework.serializers import ModelSerializer

    from api.serializers import InboxCaseSerializer
    from responses.models import CaseAssistance
    from responses.selectors import INBOX_API_COLUMNS, InboxFilters

    now = timezone.now()
    make_cases(department, 1, assigned_to=official, due_at=now + datetime.timedelta(days=2), kind="suggestion")
    make_cases(department, 1, status=Status.ACCEPTED, due_at=None, urgency="urgent")
    assisted = make_cases(other_department, 1)[0]
    CaseAssistance.objects.create(case=assisted, department=department)
    request = RequestFactory().get("/api/v1/inbox/")
    with translation.override(language):
        for filters in (InboxFilters(), InboxFilters(assisting=True)):
            cases = list(inbox_for_user(official, filters, columns=INBOX_API_COLUMNS))
            serializer = InboxCaseSerializer(cases, many=True, context={"request": request})
            generic = [ModelSerializer.to_representation(serializer.child, case) for case in cases]
            assert cases and serializer.data == generic


@pytest.mark.parametrize("rows", [3, 40])
def test_inbox_runs_a_fixed_number_of_queries(official, department, rows, django_assert_num_queries):
    make_cases(department, rows, assigned_to=official)
    client = session_client(official)
    # session + user + memberships (roles) + count + page
    with django_assert_num_queries(with_access(5, roles_and_departments=1)):
        response = client.get(reverse("api:inbox"), {"page_size": 100})
    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("actor, expected", [("citizen", 403), ("supervisor", 403), (None, 401)])
def test_only_officials_have_an_inbox(request, actor, expected):
    client = token_client(request.getfixturevalue(actor)) if actor else APIClient()
    response = client.get(reverse("api:inbox"))
    assert response.status_code == expected
    assert response.json()["errors"][0]["code"] in ("permission_denied", "not_authenticated")


def test_routing_centre_is_for_dispatchers(dispatcher, official):
    CaseFactory(status=Status.ROUTING_CENTRE)
    assert token_client(dispatcher).get(reverse("api:routing-centre")).json()["count"] == 1
    assert token_client(official).get(reverse("api:routing-centre")).status_code == 403


def test_routing_centre_runs_a_fixed_number_of_queries(dispatcher, django_assert_num_queries):
    for _ in range(12):
        CaseFactory(status=Status.ROUTING_CENTRE)
    client = session_client(dispatcher)
    client.get(reverse("api:routing-centre"), {"page_size": 1})  # the policies and the calendar: once per process
    with django_assert_num_queries(with_access(5, roles_and_departments=1)):  # session, user, groups, count, page
        client.get(reverse("api:routing-centre"))
