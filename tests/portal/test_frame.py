"""The frame of every page: menus for each role, the settings that show the
API tokens link, the footer's pages, and the front page."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _header(client):
    html = client.get(reverse("home")).content.decode()
    return html[html.index('<header class="site-header">'):html.index("</header>")]


def test_citizens_see_submit_and_my_cases_but_no_api_tokens(client, citizen):
    client.force_login(citizen)
    header = _header(client)
    assert reverse("petitions:case_submit") in header
    assert reverse("petitions:my_cases") in header
    assert reverse("api_pages:tokens") not in header


def test_a_citizen_who_asks_for_it_gets_the_api_tokens_link(client, citizen):
    client.force_login(citizen)
    response = client.post(reverse("accounts:notification_settings"), {"show_api_tokens": "on"})
    assert response.status_code == 302
    assert reverse("api_pages:tokens") in _header(client)


@pytest.mark.parametrize("fixture", ["official", "supervisor", "dispatcher", "operator"])
def test_staff_menus_show_their_work_not_a_citizens_actions(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    header = _header(client)
    assert reverse("petitions:case_submit") not in header
    assert reverse("petitions:my_cases") not in header
    assert reverse("petitions:case_lookup") in header
    work = {"official": "responses:inbox", "supervisor": "supervision:dashboard",
            "dispatcher": "responses:routing_centre", "operator": "petitions:case_record"}[fixture]
    assert reverse(work) in header


def test_the_menu_is_a_disclosure_that_needs_no_script(client):
    header = _header(client)
    assert '<details class="site-menu">' in header and "<summary>" in header
    assert "<script" not in header


@pytest.mark.parametrize("name", ["contact", "privacy", "accessibility", "terms"])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_footer_pages_exist_in_both_languages(client, name, language):
    client.cookies["django_language"] = language
    home = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert reverse(f"pages:{name}") in home
    response = client.get(reverse(f"pages:{name}"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'lang="{language}"' in html
    body = html[html.index("<article"):html.index("</article>")]
    assert len(body) > 400
    # Written in the page's language, not one shown to both.
    assert ("。" in body) == (language == "zh-hans")


def test_privacy_notice_says_what_is_kept_how_long_and_who_sees_it(client):
    html = client.get(reverse("pages:privacy"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for heading in ("What we keep", "For how long", "Who sees it"):
        assert heading in html
    zh = client.get(reverse("pages:privacy"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for heading in ("我们保存什么", "保存多久", "谁能看到"):
        assert heading in zh


def test_front_page_shows_figures_answers_topics_departments_and_deadlines(
        client, citizen, official, department, category, region, django_assert_max_num_queries):
    from petitions.services import case_submit
    from publication.services import publication_approve
    from responses.services import case_reply, case_route, case_sign_for
    from tests.factories import RoutingRuleFactory

    RoutingRuleFactory(category=category, lead_department=department)
    moderator = UserFactory(email="moderator@example.org", roles=["moderator"])
    case, _created = case_submit(actor=citizen, kind="consultation", category=category, region=region,
                                 title="路灯不亮", body="小区路灯坏了", contact_email=citizen.email, wants_public=True)
    case_route(case_id=case.pk)
    case_sign_for(actor=official, case_id=case.pk)
    case_reply(actor=official, case_id=case.pk, body="已修复。")
    publication_approve(actor=moderator, case_id=case.pk, title="路灯不亮", body="小区路灯坏了", answer="已修复。")

    with django_assert_max_num_queries(25):
        response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert "路灯不亮" in html  # the latest answer
    figures = html[html.index('class="figures"'):html.index("</dl>")]
    assert "<dd>1</dd>" in figures and "100.0%" in figures  # received; signed for in time
    assert f"?category={category.pk}" in html  # a hot topic
    assert reverse("publication:department_detail", args=[department.code]) in html
    assert "13 working days" in html  # a complaint's reply limit, from the deadline policies
    assert reverse("petitions:case_submit") in html and reverse("petitions:case_lookup") in html
