"""A citizen on a phone-sized screen opens an account with a mobile number
and the code texted to it (read from the test's SMS outbox), then sees the
number, masked, in their settings."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from notifications import sms

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_citizen_signs_up_with_a_mobile_number_and_a_texted_code(live_server, new_page):
    page = new_page("en-US")
    page.set_viewport_size({"width": 375, "height": 740})
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Sign in or register with a mobile number and a texted code").click()
    page.get_by_label("Mobile number").fill("138 1234 5678")
    page.get_by_role("button", name="Text me a code").click()

    expect(page.get_by_role("heading", name="Enter the code", level=1)).to_be_visible()
    expect(page.get_by_text("+86 138****5678")).to_be_visible()
    [text] = sms.outbox
    assert text.to == "+8613812345678"
    code = re.search(r"\d{6}", text.text).group()
    page.get_by_label("The six-digit code from the text").fill(code)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="My cases", level=1)).to_be_visible()
    assert User.objects.get(phone="+8613812345678").phone_confirmed

    # On a phone the header's account menu is folded: open it first.
    page.locator(".site-menu > summary").click()
    page.locator(".account-menu summary").click()
    page.get_by_role("link", name="Mobile number and texts").click()
    expect(page.get_by_text(re.compile(r"\+86 138\*\*\*\*5678, confirmed"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert violations == []
