"""A misrouted case in a real browser: the department returns it, the
dispatcher re-routes it, the right department answers, the citizen reads."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_citizen_asks_official_answers import log_in
from tests.factories import RoutingRuleFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_return_reroute_reply_citizen_reads(
    live_server, new_page, citizen, official, other_official, other_department, dispatcher, department,
    category, region,
):
    from petitions.services import case_submit

    RoutingRuleFactory(category=category, lead_department=department)
    case, _ = case_submit(actor=citizen, kind="complaint", category=category, region=region,
                          title="Bus stop sign knocked down", body="The bus stop sign on Dongzhimen Street is down.",
                          contact_email=citizen.email, language="en")
    base = live_server.url
    case_url = f"{base}/cases/{case.pk}/"

    # The department it was routed to returns it.
    desk = new_page("en-US")
    log_in(desk, base, official.email)
    desk.goto(case_url)
    expect(desk.locator("#case-status")).to_have_text("dispatched")
    panel = desk.locator("#action-return")
    panel.get_by_label("Reason").fill("Bus stops are the Transport Commission's.")
    panel.get_by_role("button", name="Return the case").click()
    expect(desk.get_by_role("status")).to_contain_text("routing centre")

    # The dispatcher, working in Chinese, re-routes it to Transport.
    centre = new_page("zh-CN")
    log_in(centre, base, dispatcher.email)
    centre.goto(f"{base}/routing-centre/")
    centre.get_by_role("link", name=case.tracking_number).click()
    expect(centre.locator("#case-status")).to_have_text("已退回派单中心")
    panel = centre.locator("#action-reroute")
    panel.get_by_label("主办部门").select_option(label="交通委员会")
    panel.get_by_role("button").click()
    expect(centre.locator("#case-department")).to_have_text("交通委员会")

    # Transport signs for it and answers.
    transport = new_page("en-US")
    log_in(transport, base, other_official.email)
    transport.goto(case_url)
    transport.locator("#action-sign_for").get_by_role("button", name="Sign for").click()
    expect(transport.locator("#case-status")).to_have_text("signed for")
    panel = transport.locator("#action-reply")
    panel.get_by_label("Reply to the citizen").fill("The sign was put back up this morning.")
    panel.get_by_role("button", name="Publish the reply").click()
    expect(transport.locator("#case-status")).to_have_text("replied")

    # The citizen reads the answer; the internal return is not shown to them.
    reader = new_page("en-US")
    log_in(reader, base, citizen.email)
    reader.goto(case_url)
    expect(reader.locator(".reply-body")).to_contain_text("put back up this morning")
    expect(reader.locator("#case-department")).to_have_text("Transport")
    expect(reader.get_by_text("Returned by the department")).to_have_count(0)
    expect(reader.get_by_text("Re-routed to another department")).to_have_count(1)
