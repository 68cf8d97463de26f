"""Duplicate hints beside the submission form, and the dispatcher's list of
cases to merge into ordered by the same similarity."""

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.publication.conftest import answered_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(make_public):
    return [
        make_public("夜间施工噪音扰民", "每晚十一点以后工地还在施工。", "已责令停止夜间施工。"),
        make_public("Construction noise at night", "Trucks unload every night.", "Stopped."),
        make_public("公交站牌损坏", "站牌被风吹倒了。"),
    ]


def hints(client, **params):
    response = client.get(reverse("publication:similar_cases"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_similar_public_cases_appear_for_a_draft(client, published):
    page = hints(client, title="工地夜间施工太吵", body="噪音很大")
    assert "夜间施工噪音扰民" in page and "公交站牌损坏" not in page
    assert reverse("publication:case_detail", args=[published[0].case.tracking_number]) in page


def test_english_draft_finds_english_case(client, published):
    page = hints(client, title="Noises from construction", body="")
    assert "Construction noise at night" in page and "夜间施工" not in page


def test_nothing_similar_gives_an_empty_fragment(client, published):
    assert hints(client, title="路灯不亮", body="").strip() == ""
    assert hints(client).strip() == ""


def test_one_shared_character_is_not_enough(client, published):
    assert "夜间施工噪音扰民" not in hints(client, title="夜", body="晚上的路灯")


def test_private_cases_are_never_hinted(client, department, published):
    answered_case(department=department, title="夜间施工噪音私人", body="不公开的噪音问题。", wants_public=False)
    assert "私人" not in hints(client, title="夜间施工噪音")


def test_hint_runs_a_fixed_number_of_queries(client, make_public, django_assert_num_queries):
    for number in range(12):
        make_public(f"夜间施工噪音{number}", "每晚都在施工。")
    with django_assert_num_queries(1):
        page = hints(client, title="夜间施工噪音")
    assert page.count("<li>") == 5


def test_submit_form_asks_for_hints_as_the_citizen_types(client, citizen):
    page = client_for(client, citizen).get(reverse("petitions:case_submit")).content.decode()
    assert f'hx-get="{reverse("publication:similar_cases")}"' in page
    assert "htmx-2.0.11.min.js" in page


def test_dispatcher_sees_the_most_similar_cases_first(department, category, region):
    from responses.selectors import similar_open_cases

    fields = {"department": department, "category": category, "region": region}
    alike = answered_case(title="夜间施工噪音扰民", body="工地每晚施工。", **fields)
    unrelated = answered_case(title="路灯不亮", body="晚上路灯都不亮。", **fields)
    newer = answered_case(title="工地夜间施工噪音", body="每天夜里施工很吵。", **fields)
    assert alike.submitted_at < unrelated.submitted_at < newer.submitted_at
    assert list(similar_open_cases(newer)) == [alike, unrelated]
