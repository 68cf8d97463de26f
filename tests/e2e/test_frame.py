"""The frame in a real browser: on a 375 px phone the header is one bar
whose menu opens without script; at 1280 px it is one line for every role;
staff land at their work after logging in."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import PASSWORD, UserFactory, official_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _page(browser, width, locale="en-US"):
    context = browser.new_context(viewport={"width": width, "height": 800}, locale=locale,
                                  extra_http_headers={"Accept-Language": locale}, java_script_enabled=False)
    context.set_default_timeout(15_000)
    return context, context.new_page()


def _log_in(page, base, email):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label(re.compile("e-mail|邮箱|电子邮件", re.I)).fill(email)
    page.locator("input[type=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_phone_header_is_one_bar_and_its_menu_opens_without_script(live_server, browser, locale):
    context, page = _page(browser, 375, locale)
    page.goto(live_server.url + "/")
    header = page.locator("header.site-header")
    assert header.bounding_box()["height"] < 80
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    track = page.locator("header nav a[href='/track/']")
    expect(track).to_be_hidden()
    menu = page.locator("header details.site-menu > summary")
    menu.focus()
    page.keyboard.press("Enter")
    expect(track).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    menu.click()
    expect(track).to_be_hidden()
    context.close()


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_desktop_header_fits_one_line_and_staff_land_at_their_work(live_server, browser, department, locale):
    people = {
        "citizen@example.org": ([], "home"),
        "dispatcher@example.org": (["dispatcher"], "responses:routing_centre"),
        "moderator@example.org": (["moderator"], "publication:moderation_queue"),
        "operator@example.org": (["operator"], "petitions:case_record"),
        "supervisor@example.org": (["supervisor"], "supervision:dashboard"),
        "admin@example.org": (None, "admin:index"),
    }
    for email, (roles, _landing) in people.items():
        if roles is None:
            UserFactory(email=email, is_staff=True, is_superuser=True)
        else:
            UserFactory(email=email, roles=roles)
    official_of(department, email="official@example.org")
    people["official@example.org"] = ([], "responses:inbox")
    for email, (_roles, landing) in [(None, (None, None)), *people.items()]:
        context, page = _page(browser, 1280, locale)
        if email:
            _log_in(page, live_server.url, email)
            page.wait_for_url(re.compile(re.escape(live_server.url + reverse(landing)) + r"$"))
        page.goto(live_server.url + "/")
        header = page.locator("header.site-header")
        assert header.bounding_box()["height"] < 70, email
        expect(page.locator("header details.site-menu > summary")).to_be_hidden()
        links = page.locator("header nav a:visible")
        tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
        assert len(tops) == 1, (email, tops)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280, email
        departments = page.locator("header nav a[href='/public/departments/']")
        expect(departments).to_be_hidden()
        page.locator("header .nav-more summary").click()
        expect(departments).to_be_visible()
        context.close()
