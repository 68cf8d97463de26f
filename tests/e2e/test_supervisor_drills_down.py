"""A supervisor, in a real browser, drills from a department's rate on the
dashboard to the cases behind it and opens one with its deadline history."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_citizen_asks_official_answers import log_in
from tests.factories import RoutingRuleFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_supervisor_drills_from_a_rate_to_a_case(
    live_server, new_page, citizen, official, supervisor, department, category, region
):
    from petitions.services import case_submit
    from responses import services

    RoutingRuleFactory(category=category, lead_department=department)
    case, _ = case_submit(actor=citizen, kind="consultation", category=category, region=region,
                          title="Where to renew a residence permit", body="Which office renews residence permits?",
                          contact_email=citizen.email, language="en")
    services.case_route(case_id=case.id)
    services.case_sign_for(actor=official, case_id=case.id)
    services.case_reply(actor=official, case_id=case.id, body="At the district service hall.")

    page = new_page("en-US")
    log_in(page, live_server.url, supervisor.email)
    page.locator("header nav").get_by_role("link", name="Supervision").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="City Management"))
    expect(row).to_contain_text("100.0%")
    row.locator('a[data-metric="response_rate"]').click()
    expect(page.get_by_role("heading", name="Cases behind a figure")).to_be_visible()
    page.get_by_role("link", name=case.tracking_number).click()
    expect(page.get_by_role("heading", name="Where to renew a residence permit")).to_be_visible()
    clocks = page.locator("table.clocks")
    expect(clocks).to_contain_text("sign for")
    expect(clocks).to_contain_text("met")
