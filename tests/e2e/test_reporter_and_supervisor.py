"""Reports of misconduct in a real browser: a citizen reports an official
with evidence, a visitor reports anonymously and follows the report with
its number and secret; a supervisor accepts, asks the department to
explain (the department sees only the summary), records the finding and
its measures; both reporters read the finding and rate the handling once."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_citizen_asks_official_answers import log_in
from tests.petitions.test_case_submit import PNG

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NAMED_ACCOUNT = "The licensing clerk asked for a gift before stamping my permit."
ANONYMOUS_ACCOUNT = "Nobody at the service window answered for three weeks."
SUMMARY = "A citizen says a permit was held back at the licensing window; explain the timeline."


def fill_report(page, department, account, *, official="Clerk at window 3", evidence=False):
    page.get_by_label("Department reported", exact=True).select_option(value=str(department.pk))
    page.get_by_label("Official (name or description, optional)", exact=True).fill(official)
    page.get_by_label("What happened", exact=True).select_option(value="favours")
    page.get_by_label("Account of what happened", exact=True).fill(account)
    if evidence:
        page.get_by_label("Evidence (images or PDF, optional)", exact=True).set_input_files(
            [{"name": "gift-receipt.png", "mimeType": "image/png", "buffer": PNG}])
    page.get_by_role("button", name="Send the report").click()


def rate(page, stars: str):
    page.get_by_label("Your rating of the handling", exact=True).select_option(stars)
    page.get_by_role("button", name="Rate the handling").click()
    expect(page.get_by_text(f"You rated the handling {stars} of 5.")).to_be_visible()
    expect(page.get_by_role("button", name="Rate the handling")).to_have_count(0)


def test_reports_named_and_anonymous_are_verified_and_rated(live_server, new_page, citizen, official, supervisor,
                                                            department, settings, tmp_path):
    from oversight.models import Report

    settings.MEDIA_ROOT = tmp_path
    base = live_server.url

    # A signed-in citizen reports with evidence, from the site's footer.
    named = new_page("en-US")
    log_in(named, base, citizen.email)
    named.get_by_role("contentinfo").get_by_role("link", name="Report an official").click()
    fill_report(named, department, NAMED_ACCOUNT, evidence=True)
    expect(named.get_by_text("Your report was sent to the supervisors.")).to_be_visible()
    expect(named.get_by_text(NAMED_ACCOUNT)).to_be_visible()
    expect(named.get_by_text("awaiting a supervisor")).to_be_visible()
    report = Report.objects.get(reporter=citizen)

    # A visitor reports anonymously and is given a number and a secret.
    visitor = new_page("en-US")
    visitor.goto(f"{base}/oversight/")
    fill_report(visitor, department, ANONYMOUS_ACCOUNT, official="")
    expect(visitor.get_by_role("heading", name="Your report was sent to the supervisors")).to_be_visible()
    number, secret = (visitor.locator("dd strong").nth(index).inner_text() for index in (0, 1))
    assert number and secret
    visitor.get_by_role("link", name="Follow an anonymous report").click()
    visitor.get_by_label("Tracking number", exact=True).fill(number)
    visitor.get_by_label("Secret", exact=True).fill(secret)
    visitor.get_by_role("button", name="Look up").click()
    expect(visitor.get_by_text("awaiting a supervisor")).to_be_visible()
    anonymous = Report.objects.get(tracking_number=number)

    # The supervisor finds both on the dashboard, opens the named one with
    # its evidence, accepts it and asks the department to explain.
    chief = new_page("en-US")
    log_in(chief, base, supervisor.email)
    chief.locator("header nav").get_by_role("link", name="Supervision").click()
    chief.get_by_role("link", name="2 reports await a supervisor").click()
    chief.get_by_role("link", name=report.tracking_number).click()
    expect(chief.get_by_text(NAMED_ACCOUNT)).to_be_visible()
    with chief.expect_download() as download:
        chief.get_by_role("link", name="gift-receipt.png").click()
    assert download.value.suggested_filename == "gift-receipt.png"
    chief.get_by_role("button", name="Accept and verify").click()
    expect(chief.get_by_text("being verified", exact=True)).to_be_visible()
    chief.get_by_label("Summary for the department", exact=True).fill(SUMMARY)
    due = timezone.localtime() + datetime.timedelta(days=5)
    chief.get_by_label("Explanation due", exact=True).fill(due.strftime("%Y-%m-%dT%H:%M"))
    chief.get_by_role("button", name="Ask the department to explain").click()
    expect(chief.get_by_text("Not answered yet.")).to_be_visible()

    # The department reads the summary only, and answers.
    clerk = new_page("en-US")
    log_in(clerk, base, official.email)
    clerk.goto(f"{base}/oversight/explanations/")
    clerk.get_by_role("link", name="Request for an explanation").first.click()
    expect(clerk.get_by_text(SUMMARY)).to_be_visible()
    page_text = clerk.locator("main").inner_text()
    assert NAMED_ACCOUNT not in page_text and citizen.email not in page_text and "gift-receipt" not in page_text
    clerk.get_by_label("The department's explanation", exact=True).fill(
        "The permit was stamped late; the clerk is retrained.")
    clerk.get_by_role("button", name="Send the explanation").click()
    expect(clerk.get_by_text("Your explanation was sent to the supervisors.")).to_be_visible()

    # The supervisor reads the explanation and records the finding and measures.
    chief.reload()
    expect(chief.get_by_text("The permit was stamped late")).to_be_visible()
    chief.get_by_label("Finding", exact=True).select_option(value="substantiated")
    chief.get_by_label("Conclusion told to the reporter", exact=True).fill(
        "Substantiated: the department must rectify.")
    chief.get_by_label("Written notice (通报, optional)", exact=True).fill(
        "The licensing window delayed permits; criticised.")
    chief.get_by_label("Publish the notice on the department's public page", exact=True).check()
    chief.get_by_label("Refer to discipline inspection", exact=True).check()
    chief.get_by_role("button", name="Record the finding").click()
    expect(chief.get_by_text("finding recorded", exact=True)).to_be_visible()

    # The anonymous report: accepted and found not substantiated.
    chief.goto(f"{base}/oversight/supervise/{anonymous.pk}/")
    chief.get_by_role("button", name="Accept and verify").click()
    chief.get_by_label("Finding", exact=True).select_option(value="not")
    chief.get_by_label("Conclusion told to the reporter", exact=True).fill("Not substantiated: the window was open.")
    chief.get_by_role("button", name="Record the finding").click()
    expect(chief.get_by_text("finding recorded", exact=True)).to_be_visible()

    # The named reporter reads the finding and its measures, and rates once.
    named.reload()
    expect(named.get_by_text("Substantiated: the department must rectify.")).to_be_visible()
    expect(named.get_by_text("A written notice (通报) was published on the department's public page.")).to_be_visible()
    expect(named.get_by_text("The matter was referred to discipline inspection.")).to_be_visible()
    rate(named, "4")

    # The anonymous reporter follows again with the number and secret, and rates once.
    visitor.goto(f"{base}/oversight/follow/")
    visitor.get_by_label("Tracking number", exact=True).fill(number)
    visitor.get_by_label("Secret", exact=True).fill(secret)
    visitor.get_by_role("button", name="Look up").click()
    expect(visitor.get_by_text("Not substantiated: the window was open.")).to_be_visible()
    rate(visitor, "2")
    report.refresh_from_db()
    anonymous.refresh_from_db()
    assert (report.rating, anonymous.rating) == (4, 2)

    # The published notice is on the department's public page, with the count only.
    visitor.goto(f"{base}/public/departments/{department.code}/")
    expect(visitor.get_by_text("The licensing window delayed permits; criticised.")).to_be_visible()
    assert NAMED_ACCOUNT not in visitor.locator("main").inner_text()
