"""The department inbox: filters, sorting, search, pagination, bulk
sign-for, and the same number of queries whatever the number of rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from petitions.lifecycle import Status
from petitions.models import Case
from places.geometry import Bounds
from places.selectors import area_options
from publication.search import title_substrings
from responses.models import CaseAssistance
from responses.selectors import InboxFilters, inbox_for_user, inbox_search
from supervision.deadlines import answer_expected_by
from tests.factories import CategoryFactory, DispatchedCaseFactory, RegionFactory
from tests.plans import plan_without_seq_scans


def make_cases(department, count, **kwargs):
    now = timezone.now()
    return [
        DispatchedCaseFactory(lead_department=department, submitted_at=now - datetime.timedelta(minutes=i), **kwargs)
        for i in range(count)
    ]


def numbers(queryset):
    return [case.tracking_number for case in queryset]


@pytest.mark.django_db
def test_inbox_lists_newest_first_with_status_urgency_and_due_date(client, official, department):
    cases = make_cases(department, 3)
    client.force_login(official)
    page = client.get(reverse("responses:inbox")).content.decode()
    positions = [page.index(case.tracking_number) for case in cases]
    assert positions == sorted(positions)


@pytest.mark.django_db
def test_each_filter(official, department):
    now = timezone.now()
    category, region = CategoryFactory(), RegionFactory()
    plain = make_cases(department, 1)[0]
    accepted = make_cases(department, 1, status=Status.ACCEPTED)[0]
    suggestion = make_cases(department, 1, kind="suggestion")[0]
    in_category = make_cases(department, 1, category=category)[0]
    in_region = make_cases(department, 1, region=region)[0]
    urgent = make_cases(department, 1, urgency="urgent")[0]
    mine = make_cases(department, 1, assigned_to=official)[0]
    due_soon = make_cases(department, 1, due_at=now + datetime.timedelta(hours=3))[0]
    overdue = make_cases(department, 1, due_at=now - datetime.timedelta(hours=3))[0]
    titled = make_cases(department, 1, title="东华门夜间施工噪音")[0]

    def only(**filters):
        return numbers(inbox_for_user(official, InboxFilters(**filters)))

    assert only(status=Status.ACCEPTED) == [accepted.tracking_number]
    assert only(kind="suggestion") == [suggestion.tracking_number]
    assert only(category_id=category.pk) == [in_category.tracking_number]
    assert only(region_id=region.pk) == [in_region.tracking_number]
    assert only(urgency="urgent") == [urgent.tracking_number]
    assert only(assigned_to_me=True) == [mine.tracking_number]
    assert only(due="day") == [due_soon.tracking_number]
    assert only(due="overdue") == [overdue.tracking_number]
    assert only(query="夜间施工") == [titled.tracking_number]
    assert only(query="噪音") == [titled.tracking_number]
    assert only(query="施工噪音大") == [titled.tracking_number]
    assert inbox_search(official, InboxFilters(query="施工噪音大")).partial
    assert not inbox_search(official, InboxFilters(query="施工噪音")).partial
    assert only(query=plain.tracking_number.replace("-", " ")) == [plain.tracking_number]


@pytest.mark.django_db
def test_sorting_by_due_date_and_age(official, department):
    now = timezone.now()
    later = make_cases(department, 1, due_at=now + datetime.timedelta(days=2))[0]
    sooner = DispatchedCaseFactory(lead_department=department, due_at=now + datetime.timedelta(days=1),
                                   submitted_at=now - datetime.timedelta(days=3))
    assert numbers(inbox_for_user(official, InboxFilters(sort="due")))[:2] == [
        sooner.tracking_number, later.tracking_number]
    assert numbers(inbox_for_user(official, InboxFilters(sort="oldest")))[0] == sooner.tracking_number


@pytest.mark.django_db
def test_assisting_departments_see_the_cases_they_assist_on(assisting_official, assisting_department, department):
    assisted = make_cases(department, 1)[0]
    make_cases(department, 1)
    CaseAssistance.objects.create(case=assisted, department=assisting_department)
    assert numbers(inbox_for_user(assisting_official, InboxFilters(assisting=True))) == [assisted.tracking_number]
    assert numbers(inbox_for_user(assisting_official)) == []


@pytest.mark.django_db
def test_filters_from_the_page(client, official, department):
    urgent = make_cases(department, 1, urgency="urgent")[0]
    normal = make_cases(department, 1)[0]
    client.force_login(official)
    page = client.get(reverse("responses:inbox"), {"urgency": "urgent", "sort": "due"}).content.decode()
    assert urgent.tracking_number in page and normal.tracking_number not in page


@pytest.mark.django_db
def test_inbox_is_paginated_and_keeps_the_filters(client, official, department):
    cases = make_cases(department, 30)
    client.force_login(official)
    first = client.get(reverse("responses:inbox"), {"status": "dispatched"}).content.decode()
    assert "status=dispatched&amp;page=2" in first
    second = client.get(reverse("responses:inbox"), {"status": "dispatched", "page": 2}).content.decode()
    assert cases[0].tracking_number in first and cases[29].tracking_number not in first
    assert cases[29].tracking_number in second


@pytest.mark.django_db
def test_bulk_sign_for_from_the_inbox(client, official, department):
    cases = make_cases(department, 3)
    client.force_login(official)
    response = client.post(reverse("responses:inbox_sign_for"), {"case": [cases[0].pk, cases[1].pk]}, follow=True)
    assert response.status_code == 200
    statuses = [case.status for case in cases if case.refresh_from_db() is None]
    assert statuses == [Status.ACCEPTED, Status.ACCEPTED, Status.DISPATCHED]


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["responses:inbox", "supervision:overview", "petitions:my_cases",
                                      "responses:routing_centre", "notifications:list"])
def test_list_pages_run_the_same_number_of_queries_for_5_or_25_rows(
    client, official, supervisor, citizen, dispatcher, department, django_assert_num_queries, url_name
):
    user = {"responses:inbox": official, "supervision:overview": supervisor, "petitions:my_cases": citizen,
            "responses:routing_centre": dispatcher, "notifications:list": official}[url_name]
    client.force_login(user)
    url = reverse(url_name)

    def add(count):
        for case in make_cases(department, count, citizen=citizen, assigned_to=official):
            from notifications.models import Event
            from notifications.services import notify

            notify(event=Event.NEW_CASE, case=case, users=[official])
        make_cases(None, count, status=Status.ROUTING_CENTRE)

    add(5)
    # The deadline policies and the calendar are read once per process.
    answer_expected_by(Case.objects.filter(status=Status.ROUTING_CENTRE).first())
    # The areas of the inbox's place filter come from the shared cache.
    area_options()
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, {"mine": "on", "urgency": "normal"}).status_code == 200
    add(20)
    with django_assert_num_queries(len(few)):
        assert client.get(url, {"mine": "on", "urgency": "normal"}).status_code == 200


FILTERS = {
    "status": {"status": Status.ACCEPTED},
    "kind": {"kind": "suggestion"},
    "category": {"category_id": 1},
    "region": {"region_id": 1},
    "urgency": {"urgency": "urgent"},
    "assigned to me": {"assigned_to_me": True},
    "due within a day": {"due": "day"},
    "overdue": {"due": "overdue"},
    "sort by due date": {"sort": "due"},
    "text": {"query": "噪音"},
    "tracking number": {"query": "261127-4821-3773-059"},
    "assisting": {"assisting": True},
    "area": {"area_id": 1},
    "box on the map": {"bbox": Bounds(south=39.9, west=116.3, north=39.95, east=116.45)},
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(FILTERS))
def test_every_inbox_filter_is_served_by_an_index_on_postgresql(official, department, name):
    if connection.vendor != "postgresql":
        pytest.skip("index plans are checked on PostgreSQL")
    make_cases(department, 3)
    if name == "area":
        from places.models import Area

        Area.objects.create(pk=1, code="a1", name="区", boundary={}, south=0, west=0, north=1, east=1)
    plan = plan_without_seq_scans(inbox_for_user(official, InboxFilters(**FILTERS[name])))
    assert "Seq Scan on petitions_case" not in plan, plan
    if name not in ("assisting", "text", "tracking number"):
        # The department's indexes hold routed cases only: the department
        # filter must let PostgreSQL use them (or, for "mine", the index of
        # the assignee, likewise only where one is set).
        assert "case_dept_" in plan or (name == "assigned to me" and "case_assigned_to_idx" in plan), plan


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["噪", "噪音", "夜间施工噪音", "noisy"])
def test_words_in_the_title_are_found_through_the_trigram_index_on_postgresql(official, department, query):
    """Each word, however short (a trigram needs three characters: the
    indexed title writes each CJK character three times), is served by
    the trigram index (on a small table the planner prefers the
    department's index; the title alone shows which can serve)."""
    if connection.vendor != "postgresql":
        pytest.skip("index plans are checked on PostgreSQL")
    from petitions.models import Case
    from responses.selectors import title_matcher

    make_cases(department, 3)
    matcher = title_matcher()
    terms = [(part,) for part in title_substrings(query)]
    plan = plan_without_seq_scans(Case.objects.filter(matcher.all_of_any([terms])))
    assert "case_title_search_trgm_idx" in plan, plan


@pytest.mark.django_db
def test_bulk_sign_for_never_sends_the_official_off_site(client, official, department):
    case = make_cases(department, 1)[0]
    client.force_login(official)
    response = client.post(reverse("responses:inbox_sign_for"), {"case": [case.pk], "next": "https://evil.example/"})
    assert response["Location"] == reverse("responses:inbox")
    response = client.post(reverse("responses:inbox_sign_for"), {"next": "/inbox/?status=dispatched"})
    assert response["Location"] == "/inbox/?status=dispatched"


@pytest.mark.django_db
def test_a_long_inbox_is_counted_up_to_a_limit_and_paged_on_past_it(client, official, department, monkeypatch):
    monkeypatch.setattr("portal.pagination.COUNT_LIMIT", 4)
    monkeypatch.setattr("portal.pagination.PAGE_SIZE", 2)
    cases = make_cases(department, 7)
    client.force_login(official)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the texts below are the English ones
    first = client.get(reverse("responses:inbox")).content.decode()
    assert "Page 1, of more than 4 cases" in first
    assert 'rel="next"' in first and "page=2" in first and 'rel="prev"' not in first
    third = client.get(reverse("responses:inbox"), {"page": 3}).content.decode()
    assert cases[4].tracking_number in third and cases[5].tracking_number in third
    assert "Page 3, of more than 4 cases" in third and 'rel="next"' in third and 'rel="prev"' in third
    last = client.get(reverse("responses:inbox"), {"page": 4}).content.decode()
    assert cases[6].tracking_number in last and 'rel="next"' not in last
    # Under the limit the count is exact, and a page past the end shows the last one.
    short = client.get(reverse("responses:inbox"), {"q": cases[0].tracking_number, "page": 9}).content.decode()
    assert cases[0].tracking_number in short and "Page 1 of" not in short  # one page: no page links


@pytest.mark.django_db
def test_the_inbox_shows_a_change_at_once(client, official, department):
    """Page and API read the cases on every request: whatever changed them,
    even an update around the services, shows on the next load."""
    from petitions.models import Case
    from tests.api.conftest import token_client

    case = make_cases(department, 1, title="旧标题")[0]
    client.force_login(official)
    api = token_client(official)
    assert "旧标题" in client.get(reverse("responses:inbox")).content.decode()
    assert [row["title"] for row in api.get(reverse("api:inbox")).json()["results"]] == ["旧标题"]
    Case.objects.filter(pk=case.pk).update(title="新标题", status=Status.ACCEPTED)
    added = make_cases(department, 1, title="刚派来的案件")[0]
    page = client.get(reverse("responses:inbox")).content.decode()
    assert "新标题" in page and "旧标题" not in page and added.tracking_number in page
    rows = api.get(reverse("api:inbox")).json()["results"]
    assert {(row["title"], row["status"]) for row in rows} == {("新标题", "accepted"), ("刚派来的案件", "dispatched")}


@pytest.mark.django_db
def test_inbox_rows_show_what_citizens_typed_escaped(client, official, department):
    case = make_cases(department, 1, title="<b>夜间</b> & “施工”", assigned_to=official)[0]
    client.force_login(official)
    page = client.get(reverse("responses:inbox"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "&lt;b&gt;夜间&lt;/b&gt; &amp; “施工”" in page and "<b>夜间</b>" not in page
    assert f'aria-label="Select {case.tracking_number}"' in page and str(official) in page


@pytest.mark.django_db
def test_filter_options_follow_an_administrators_edit(client, official, department):
    client.force_login(official)
    category = CategoryFactory(name="噪音", name_en="Noise")
    assert "Noise" in client.get(reverse("responses:inbox"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    category.name_en = "Night noise"
    category.save()
    added = RegionFactory(name="西城区", name_en="Xicheng")
    page = client.get(reverse("responses:inbox"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Night noise" in page and "Xicheng" in page
    category.is_active = False
    category.save()
    page = client.get(reverse("responses:inbox"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Night noise" not in page and added.name_en in page


@pytest.mark.django_db
def test_a_deadline_passing_shows_on_the_next_load_though_the_case_did_not_change(client, official, department,
                                                                                   monkeypatch):
    from tests.api.conftest import token_client

    case = make_cases(department, 1)[0]
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() + datetime.timedelta(minutes=5))
    client.force_login(official)
    api = token_client(official)

    def shown():
        page = client.get(reverse("responses:inbox"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        row = api.get(reverse("api:inbox"), HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]
        return "past its due time" in page, row["deadline"]["overdue"]

    assert shown() == (False, False)
    assert shown() == (False, False)  # the rows kept from the first load
    later = timezone.now() + datetime.timedelta(minutes=10)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert shown() == (True, True)


@pytest.mark.django_db
def test_inbox_says_when_it_shows_titles_with_only_some_of_the_words(client, official, department):
    wages, _other = make_cases(department, 1, title="工资被拖欠三个月")[0], make_cases(department, 1)[0]
    client.force_login(official)
    page = client.get(reverse("responses:inbox"), {"q": "工资拖欠"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "these have some of them" in page and wages.tracking_number in page
    exact = client.get(reverse("responses:inbox"), {"q": "拖欠"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "these have some of them" not in exact and wages.tracking_number in exact
