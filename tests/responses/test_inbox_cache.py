"""Rendered inboxes reused until what they show changes
(responses.inbox_cache): a reload reads no case, and every change an
official must see shows at once, on the page and in the API."""

import re
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import DepartmentMembership
from notifications.models import Notification
from petitions.lifecycle import Status
from petitions.models import Case
from petitions.services import case_submit
from responses import inbox_cache
from responses.services import case_assign, case_return, case_route, case_sign_for, return_reroute
from tests.api.conftest import token_client
from tests.factories import DispatchedCaseFactory, RoutingRuleFactory, official_of
from tests.queries import with_access

pytestmark = pytest.mark.django_db
INBOX = reverse("responses:inbox")
INBOX_API = reverse("api:inbox")
# A reload reads: session, user, roles, departments, unread count; no case.
PAGE_HIT_QUERIES = with_access(5, roles_and_departments=2)
# The API: token (with its user), departments.
API_HIT_QUERIES = 2


def page_of(client, **query) -> str:
    response = client.get(INBOX, query)
    assert response.status_code == 200
    return response.content.decode()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_reload_reads_no_case_and_shows_the_same_page(official, department, django_assert_num_queries):
    case = DispatchedCaseFactory(lead_department=department, title="东华门夜间施工噪音")
    client = logged_in(official)
    first = page_of(client)
    with django_assert_num_queries(PAGE_HIT_QUERIES):
        again = page_of(client)
    assert case.tracking_number in again and "东华门夜间施工噪音" in again
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", again) == token.sub("", first)


def test_a_case_routed_to_the_department_shows_at_once(official, department, category, region, citizen):
    RoutingRuleFactory(category=category, lead_department=department)
    client = logged_in(official)
    page_of(client)  # kept: no case yet
    case, _created = case_submit(actor=citizen, kind="complaint", category=category, region=region,
                                 title="夜间施工", body="凌晨两点仍在施工。", contact_email=citizen.email)
    case_route(case_id=case.pk)
    # Read, so the header's unread count is as it was: only the department's generation tells.
    Notification.objects.filter(recipient=official).update(read_at=timezone.now())
    assert case.tracking_number in page_of(client)


def test_a_case_moved_to_another_department_leaves_the_old_inbox_at_once(
        official, other_official, department, other_department, dispatcher):
    case = DispatchedCaseFactory(lead_department=department)
    mine, theirs = logged_in(official), logged_in(other_official)
    case_return(actor=official, case_id=case.pk, reason="应由交通委办理")
    assert case.tracking_number in page_of(mine)  # returned, still in its inbox until the dispatcher decides
    assert case.tracking_number not in page_of(theirs)
    return_reroute(actor=dispatcher, case_id=case.pk, department=other_department, assisting=[], note="改派交通委")
    # Read, so the header's unread count is as it was: only the departments' generations tell.
    Notification.objects.update(read_at=timezone.now())
    assert case.tracking_number not in page_of(mine)
    assert case.tracking_number in page_of(theirs)


def test_a_status_and_an_assignee_change_show_at_once(official, department):
    case = DispatchedCaseFactory(lead_department=department)
    client = logged_in(official)
    assert f'id="pick-{case.pk}"' in page_of(client)  # dispatched: a box to sign for it
    case_sign_for(actor=official, case_id=case.pk)
    assert f'id="pick-{case.pk}"' not in page_of(client)
    case_assign(actor=official, case_id=case.pk, assignee=official)
    official.full_name = "王建国"
    official.save()
    assert "王建国" in page_of(client)


def test_a_category_renamed_shows_in_the_api(official, department):
    case = DispatchedCaseFactory(lead_department=department)
    client = token_client(official)
    assert client.get(INBOX_API).json()["results"][0]["category"]["name"] == case.category.name
    case.category.name = "市容环境"
    case.category.save()
    assert client.get(INBOX_API).json()["results"][0]["category"]["name"] == "市容环境"


def test_the_api_reuses_its_answer_until_a_case_changes(official, department, django_assert_num_queries):
    case = DispatchedCaseFactory(lead_department=department)
    client = token_client(official)
    first = client.get(INBOX_API, {"page_size": 10})
    with django_assert_num_queries(API_HIT_QUERIES):
        again = client.get(INBOX_API, {"page_size": 10})
    assert again.status_code == 200 and again.json() == first.json()
    assert again["Content-Type"] == first["Content-Type"] == "application/json"
    case_sign_for(actor=official, case_id=case.pk)
    assert client.get(INBOX_API, {"page_size": 10}).json()["results"][0]["status"] == Status.ACCEPTED
    # Another page size is another answer.
    assert len(client.get(INBOX_API, {"page_size": 1}).json()["results"]) == 1


def test_the_form_token_on_a_reused_page_is_the_askers_own(official, department):
    cases = [DispatchedCaseFactory(lead_department=department) for _ in range(2)]
    first_browser = Client(enforce_csrf_checks=True)
    first_browser.force_login(official)
    page_of(first_browser)
    second_browser = Client(enforce_csrf_checks=True)
    second_browser.force_login(official)
    page = page_of(second_browser)  # reused, rendered for the first browser
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = second_browser.post(reverse("responses:inbox_sign_for"),
                                   {"case": [cases[0].pk], "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    cases[0].refresh_from_db()
    assert cases[0].status == Status.ACCEPTED


def test_a_colleague_gets_a_page_with_their_own_name(official, department):
    official.full_name = "王建国"
    official.save()
    colleague = official_of(department, email="colleague@example.org", full_name="李红")
    DispatchedCaseFactory(lead_department=department)
    assert "王建国" in page_of(logged_in(official))
    page = page_of(logged_in(colleague))
    assert "李红" in page and "王建国" not in page


def test_a_new_department_or_role_is_a_new_page(official, department, other_department):
    theirs = DispatchedCaseFactory(lead_department=other_department)
    client = logged_in(official)
    page = page_of(client)
    assert theirs.tracking_number not in page and reverse("responses:routing_centre") not in page
    DepartmentMembership.objects.create(user=official, department=other_department)
    official.groups.add(Group.objects.get_or_create(name="dispatcher")[0])
    page = page_of(client)
    assert theirs.tracking_number in page and reverse("responses:routing_centre") in page


def test_flash_messages_show_after_signing_for(official, department):
    case = DispatchedCaseFactory(lead_department=department)
    client = logged_in(official)
    page_of(client)
    response = client.post(reverse("responses:inbox_sign_for"), {"case": [case.pk]}, follow=True)
    assert "message success" in response.content.decode()


def test_a_change_the_signals_miss_shows_once_the_generations_are_lost(official, department):
    """A queryset update sends no signal; a lost shared cache gives every
    department a new generation, never an old one."""
    case = DispatchedCaseFactory(lead_department=department, title="旧标题")
    client = logged_in(official)
    assert "旧标题" in page_of(client)
    Case.objects.filter(pk=case.pk).update(title="新标题")
    assert "旧标题" in page_of(client)  # reused: within INBOX_CACHE_SECONDS
    cache.clear()
    assert "新标题" in page_of(client)


def test_a_change_renews_the_generation_again_when_it_commits(department, django_capture_on_commit_callbacks):
    key = f"inbox:department:{department.pk}"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        inbox_cache.departments_changed({department.pk})
    now = cache.get(key)
    assert now is not None and len(callbacks) == 1
    callbacks[0]()
    assert cache.get(key) not in (None, now)


def test_the_inbox_renders_when_the_shared_cache_fails(official, department):
    case = DispatchedCaseFactory(lead_department=department)
    client = logged_in(official)
    with mock.patch.object(cache, "get_many", side_effect=ConnectionError("redis down")):
        assert case.tracking_number in page_of(client)
        assert token_client(official).get(INBOX_API).json()["results"][0]["tracking_number"] == case.tracking_number


def test_a_login_or_a_new_account_keeps_every_inbox(official, department):
    client = logged_in(official)
    page_of(client)
    names = cache.get(inbox_cache.NAMES_KEY)
    get_user_model().objects.create_user(email="new@example.org", password="a long new password")
    official.save(update_fields=["last_login"])
    assert cache.get(inbox_cache.NAMES_KEY) == names


def test_turned_off_every_load_reads_the_cases(settings, official, department, django_assert_num_queries):
    settings.INBOX_CACHE_SECONDS = 0
    DispatchedCaseFactory(lead_department=department)
    client = logged_in(official)
    page_of(client)
    with django_assert_num_queries(PAGE_HIT_QUERIES + 2):  # + the count and the rows
        page_of(client)


def generation(of):
    return cache.get(f"inbox:department:{of.pk}")


def test_each_save_renews_the_department_the_case_left(department, other_department, assisting_department):
    case = Case.objects.get(pk=DispatchedCaseFactory(lead_department=department).pk)
    case.lead_department = other_department
    case.save()
    left = generation(other_department)
    case.lead_department = assisting_department
    case.save()  # the same instance again: it left other_department this time
    assert generation(other_department) != left
    Case.objects.filter(pk=case.pk).update(lead_department=department)  # moved by hand, no signal
    case.refresh_from_db()
    before = generation(department)
    case.lead_department = other_department
    case.save()  # it left department, as read by the refresh
    assert generation(department) != before


def test_a_case_read_without_its_department_renews_the_one_it_is_in(department):
    case = DispatchedCaseFactory(lead_department=department)
    before = generation(department)
    partial = Case.objects.only("title").get(pk=case.pk)
    partial.title = "新标题"
    partial.save(update_fields=["title"])
    assert generation(department) != before
