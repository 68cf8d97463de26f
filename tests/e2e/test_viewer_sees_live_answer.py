"""A live interview in a real browser: a viewer keeps the page open, the
department's official posts an answer from the hosts' page, and the
viewer's page shows it within seconds, without being reloaded."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from interviews import services
from tests.e2e.test_citizen_asks_official_answers import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_viewer_sees_a_new_answer_without_reloading(live_server, new_page, settings, official, department,
                                                      category, region, citizen):
    settings.INTERVIEW_POLL_SECONDS = 1
    host = UserFactory(email="host@example.org", roles=["interview_host"])
    now = timezone.now()
    interview = services.interview_schedule(
        actor=host, title="Bus routes live interview", department=department, guests="Chen Ming, deputy director",
        starts_at=now, ends_at=now + datetime.timedelta(hours=1), category=category, region=region)
    services.interview_start(actor=host, interview_id=interview.pk)
    question = services.question_submit(actor=citizen, interview_id=interview.pk,
                                        body="Can the feeder buses run later at night?")
    services.question_publish(actor=host, question_id=question.pk)

    viewer = new_page("en-US")
    viewer.goto(f"{live_server.url}/interviews/")
    viewer.get_by_role("link", name="Bus routes live interview").click()
    live = viewer.locator("#interview-live")
    expect(live).to_contain_text("Nothing has been posted yet.")
    viewer.evaluate("window.stillTheSamePage = true")

    official_page = new_page("en-US")
    log_in(official_page, live_server.url, official.email)
    official_page.goto(f"{live_server.url}/interviews/{interview.pk}/manage/")
    official_page.get_by_label("Question answered").select_option(label=question.body)
    official_page.get_by_label("Speaker").fill("Chen Ming")
    official_page.get_by_label("Answer or statement").fill("From September the last feeder bus leaves at 23:00.")
    official_page.get_by_role("button", name="Post", exact=True).click()
    expect(official_page.locator(".messages")).to_contain_text("Posted")

    expect(live).to_contain_text("From September the last feeder bus leaves at 23:00.", timeout=10_000)
    expect(live).to_contain_text(question.body)
    assert viewer.evaluate("window.stillTheSamePage") is True


def test_a_visitor_asks_by_email_and_the_host_answers_with_the_keyboard_alone(
        live_server, browser, settings, official, department, category, region, mailoutbox):
    """No mouse anywhere: a visitor without an account asks with an e-mail
    address and confirms it from the link; the department's official
    posts the answer; the visitor's page shows it without a reload."""
    import re

    from interviews.models import Question
    from tests.e2e.pages import signed_in_context
    from tests.e2e.test_keyboard_only import by_id, tab_to

    settings.INTERVIEW_POLL_SECONDS = 1
    host = UserFactory(email="host@example.org", roles=["interview_host"])
    now = timezone.now()
    interview = services.interview_schedule(
        actor=host, title="Night buses live interview", department=department, guests="Chen Ming, deputy director",
        starts_at=now, ends_at=now + datetime.timedelta(hours=1), category=category, region=region)
    services.interview_start(actor=host, interview_id=interview.pk)

    visitor = signed_in_context(browser, live_server, None).new_page()
    visitor.goto(f"{live_server.url}/interviews/{interview.pk}/")
    tab_to(visitor, by_id("id_email"), limit=120)
    visitor.keyboard.type("li.hua@example.org")
    tab_to(visitor, by_id("id_body"))
    visitor.keyboard.type("Will the night buses run on public holidays?")
    tab_to(visitor, lambda focus: focus["tag"] == "BUTTON" and focus["text"] == "Send the question")
    visitor.keyboard.press("Enter")
    expect(visitor.locator(".messages")).to_contain_text("li.hua@example.org")
    link = re.search(r"https?://\S+/interviews/confirm/\S+/", mailoutbox[-1].body).group(0)
    visitor.goto(live_server.url + link[link.index("/interviews/"):])
    tab_to(visitor, lambda focus: focus["tag"] == "BUTTON" and focus["text"] == "Confirm my question")
    visitor.keyboard.press("Enter")
    expect(visitor.get_by_role("status")).to_contain_text("confirmed")
    question = Question.objects.get()
    services.question_publish(actor=host, question_id=question.pk)

    visitor.goto(f"{live_server.url}/interviews/{interview.pk}/")
    live = visitor.locator("#interview-live")
    expect(live).to_contain_text("Nothing has been posted yet.")
    visitor.evaluate("window.stillTheSamePage = true")

    hosting = signed_in_context(browser, live_server, official).new_page()
    hosting.goto(f"{live_server.url}/interviews/{interview.pk}/manage/")
    tab_to(hosting, by_id("id_question"), limit=120)
    hosting.keyboard.type("Will the night")
    tab_to(hosting, by_id("id_speaker"))
    hosting.keyboard.type("Chen Ming")
    tab_to(hosting, by_id("id_body"))
    hosting.keyboard.type("Yes: every night of the year, holidays included.")
    tab_to(hosting, lambda focus: focus["tag"] == "BUTTON" and focus["text"] == "Post")
    hosting.keyboard.press("Enter")
    expect(hosting.locator(".messages")).to_contain_text("Posted")

    expect(live).to_contain_text("Yes: every night of the year, holidays included.", timeout=10_000)
    expect(live).to_contain_text("Will the night buses run on public holidays?")
    assert visitor.evaluate("window.stillTheSamePage") is True
