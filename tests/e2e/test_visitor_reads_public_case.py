"""A visitor, in a real browser and without an account, searches the public
cases in Chinese, opens one and reads the department's answer."""

import pytest
from playwright.sync_api import expect

from tests.publication.conftest import answered_case, publish

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def moderator(db):
    from tests.factories import UserFactory

    return UserFactory(email="moderator@example.org", roles=["moderator"])


def test_visitor_searches_in_chinese_and_reads_the_answer(live_server, new_page, department, moderator):
    noise = answered_case(department=department, title="夜间施工噪音扰民", body="每晚十一点以后工地还在施工。",
                          answer="已责令施工单位停止夜间施工。")
    publish(noise, moderator)
    publish(answered_case(department=department, title="公交站牌损坏", body="站牌被风吹倒了。"), moderator)

    page = new_page("en-US")
    page.goto(live_server.url + "/")
    page.locator("header nav").get_by_role("link", name="Public cases").click()
    search = page.get_by_role("search")
    search.get_by_label("Search").fill("噪音")
    search.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 case found")).to_be_visible()
    expect(page.locator("mark").first).to_have_text("噪音")
    page.get_by_role("link", name="夜间施工噪音扰民").click()
    expect(page.get_by_role("heading", level=1, name="夜间施工噪音扰民")).to_be_visible()
    answer = page.get_by_role("region", name="The answer")
    expect(answer).to_contain_text("已责令施工单位停止夜间施工。")
    expect(page.get_by_text("City Management").first).to_be_visible()


def test_citizen_typing_a_case_sees_a_similar_public_one(live_server, new_page, department, moderator, citizen):
    from tests.e2e.test_citizen_asks_official_answers import log_in

    publish(answered_case(department=department, title="夜间施工噪音扰民", body="每晚十一点以后工地还在施工。",
                          answer="已责令施工单位停止夜间施工。"), moderator)
    page = new_page("en-US")
    log_in(page, live_server.url, citizen.email)
    page.goto(live_server.url + "/cases/new/")
    page.get_by_label("Title").fill("工地夜间施工")
    page.get_by_label("Details").fill("噪音很大，" * 200)
    hint = page.locator("#similar-cases")
    expect(hint.get_by_role("link", name="夜间施工噪音扰民")).to_be_visible()
