"""The walking skeleton end to end in a real browser: a citizen submits, the
case is routed, an official signs for it and answers, the citizen reads it."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, RoutingRuleFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def nav(page):
    return page.locator("header nav")


def log_in(page, base_url, email):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label(re.compile("e-mail|邮箱|电子邮件", re.I)).fill(email)
    page.locator("input[type=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()


def test_citizen_submits_official_answers_citizen_reads(
    live_server, new_page, citizen, official, department, category, region
):
    RoutingRuleFactory(category=category, lead_department=department)
    base = live_server.url

    # The citizen, browsing in English, files a complaint.
    page = new_page("en-US")
    log_in(page, base, citizen.email)
    nav(page).get_by_role("link", name="Submit a case").click()
    page.get_by_label("Kind of case").select_option("complaint")
    page.get_by_label("Category").select_option(label="Noise")
    page.get_by_label("Region").select_option(label="Dongcheng")
    page.get_by_label("Title").fill("Construction noise at night")
    page.get_by_label("Details").fill("The building site on Donghuamen Street works until 2 a.m. every night.")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("status")).to_contain_text("tracking number")
    tracking_number = page.locator(".tracking-number").inner_text()
    # Routing ran after the submission committed.
    expect(page.locator("#case-status")).to_have_text("dispatched")

    # The official, browsing in Chinese, finds it in the department inbox.
    desk = new_page("zh-CN")
    log_in(desk, base, official.email)
    nav(desk).get_by_role("link", name="工单收件箱").click()
    desk.get_by_role("link", name=tracking_number).click()
    desk.get_by_role("button", name="签收").click()
    expect(desk.locator("#case-status")).to_have_text("已签收")
    desk.get_by_label("答复市民").fill("已责令施工单位停止夜间施工，并将加强巡查。")
    desk.get_by_role("button", name=re.compile("发布")).click()
    expect(desk.locator("#case-status")).to_have_text("已答复")

    # The citizen reads the answer on the case page and under "My cases".
    page.reload()
    expect(page.locator(".reply-body")).to_contain_text("已责令施工单位停止夜间施工")
    expect(page.locator("#case-status")).to_have_text("replied")
    nav(page).get_by_role("link", name="My cases").click()
    row = page.get_by_role("row").filter(has_text=tracking_number)
    expect(row).to_contain_text("replied")
