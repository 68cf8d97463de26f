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
