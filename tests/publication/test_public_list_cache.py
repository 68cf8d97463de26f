"""The public list is rendered once and reused (publication.list_cache),
yet a case that stops being public leaves it at once: refused by a
moderator, withdrawn by its author, its author's consent withdrawn."""

import pytest
from django.urls import reverse

from petitions.lifecycle import Status
from publication.list_cache import list_generation
from publication.models import PublicationRejectionReason
from publication.services import publication_reject
from responses.services import case_sign_for, case_withdraw
from tests.factories import DispatchedCaseFactory
from tests.publication.conftest import answered_case, publish

pytestmark = pytest.mark.django_db


def listed(client, **params) -> str:
    return client.get(reverse("publication:case_list"), params).content.decode()


def number(publication) -> str:
    return publication.case.tracking_number


@pytest.fixture
def shown(client, make_public):
    """Two public cases, the list already rendered (and kept) with both."""
    kept = make_public("公交站牌损坏", "站牌被风吹倒了。", "已修复。")
    leaving = make_public("夜间施工噪音扰民", "每晚十一点以后还在施工。")
    for params in ({}, {"q": "噪音"}):
        page = listed(client, **params)
        assert number(leaving) in page
    return kept, leaving


def test_the_list_is_reused_while_nothing_changes(client, shown, django_assert_num_queries):
    with django_assert_num_queries(0):
        listed(client)


def test_a_refused_case_leaves_the_list_at_once(client, shown, moderator):
    kept, leaving = shown
    publication_reject(actor=moderator, case_id=leaving.case_id, reason=PublicationRejectionReason.objects.first())
    for params in ({}, {"q": "噪音"}):
        page = listed(client, **params)
        assert number(leaving) not in page
    assert number(kept) in listed(client)


def test_a_withdrawn_case_leaves_the_list_at_once(client, shown):
    kept, leaving = shown
    case = leaving.case
    assert case.status == Status.ACCEPTED  # not answered yet: its author may withdraw it
    case_withdraw(actor=case.citizen, case_id=case.pk)
    assert number(leaving) not in listed(client) and number(leaving) not in listed(client, q="噪音")
    assert number(kept) in listed(client)


def test_withdrawn_consent_takes_the_case_off_the_list_at_once(client, shown):
    _kept, leaving = shown
    case = leaving.case
    case.wants_public = False
    case.save(update_fields=["wants_public"])
    assert number(leaving) not in listed(client)


def test_a_new_publication_shows_at_once(client, shown, moderator, department):
    case = answered_case(department=department, title="路灯不亮", body="晚上路灯不亮。")
    publish(case, moderator)
    assert "路灯不亮" in listed(client)


def test_a_renamed_category_shows_at_once(client, shown):
    kept, _leaving = shown
    category = kept.category
    category.name_en = "Bus stops"
    category.save()
    results = listed(client).split('id="results-heading"')[1]  # the rows, not the filter form's options
    assert "Bus stops" in results


def test_private_cases_moving_on_keep_the_rendered_list(shown, official, department):
    """Cases change all day; only those that touch the public side drop the
    rendered list, or it would never be reused."""
    private = DispatchedCaseFactory(lead_department=department)
    withdrawn_private = DispatchedCaseFactory(lead_department=department)
    before = list_generation()
    case_sign_for(actor=official, case_id=private.pk)
    case_withdraw(actor=withdrawn_private.citizen, case_id=withdrawn_private.pk)
    DispatchedCaseFactory(lead_department=department, category=private.category, region=private.region)
    assert list_generation() == before
