"""A supervisor, in a real browser, is made to set up two-factor
authentication at the first login, is shown backup codes once, then logs in
with a code, and with a backup code."""

import base64
import time

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.e2e.test_citizen_asks_official_answers import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def code(secret: str, ahead: int = 0) -> str:
    # Not in the last seconds of a 30 s step: a code made then and checked
    # after the step ends is taken as the device running a step behind
    # (django-otp's OTP_TOTP_SYNC), and the next code, one step ahead,
    # would then be refused.
    if time.time() % 30 > 25:
        time.sleep(30.5 - time.time() % 30)
    return f"{totp(base64.b32decode(secret.replace(' ', '')), drift=ahead):06d}"


def test_supervisor_sets_up_two_factor_and_logs_in_with_a_code(live_server, new_page, supervisor, settings):
    settings.OTP_REQUIRED_FOR_ROLES = True
    page = new_page("en-US")
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)

    log_in(page, live_server.url, supervisor.email)
    expect(page.get_by_role("heading", name="Two-factor authentication", level=1)).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("must use two-factor authentication")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Six-digit code").fill(code(secret))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.get_by_text("Two-factor authentication is on.")).to_be_visible()
    expect(page.get_by_role("heading", name="Your backup codes", level=1)).to_be_visible()
    backup_codes = page.locator(".backup-codes ol code").all_inner_texts()
    assert len(backup_codes) == 10
    expect(page.get_by_label("The same codes, to copy")).to_have_value("\n".join(backup_codes) + "\n")
    page.locator("header nav").get_by_role("link", name="Supervision").click()
    expect(page.get_by_role("heading", name="Supervision dashboard")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    log_in(page, live_server.url, supervisor.email)
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.get_by_label("Six-digit code").fill(code(secret, ahead=1))  # each code works once
    page.get_by_role("button", name="Verify").click()
    page.locator("header nav").get_by_role("link", name="Supervision").click()
    expect(page.get_by_role("heading", name="Supervision dashboard")).to_be_visible()

    # Without the phone: a backup code, typed and sent from the keyboard.
    page.get_by_role("button", name="Log out").click()
    log_in(page, live_server.url, supervisor.email)
    page.get_by_label("Six-digit code or backup code").fill(backup_codes[0].upper())
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("You have 9 backup codes left.")
    page.locator("header nav").get_by_role("link", name="Supervision").click()
    expect(page.get_by_role("heading", name="Supervision dashboard")).to_be_visible()
    assert violations == []
