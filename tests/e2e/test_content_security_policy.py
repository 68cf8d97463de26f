"""The content security policy breaks nothing a browser runs: no page the
browser visits reports a CSP violation, and htmx still works under it."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_pages_run_under_the_policy_without_violations(live_server, new_page, citizen, category, region):
    page = new_page("en-US")
    violations = []
    page.on("console", lambda message: violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text else None)
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_label(re.compile("e-mail", re.I)).fill(citizen.email)
    page.locator("input[type=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.goto(f"{base}/cases/new/")
    # htmx (a static file) fetches the similar-cases hint as the citizen types.
    with page.expect_response(re.compile(r"similar")):
        page.get_by_label("Title").fill("Construction noise at night")
    page.goto(f"{base}/api/docs/")
    expect(page.locator(".swagger-ui").first).to_be_visible()
    page.wait_for_timeout(500)
    assert violations == []
