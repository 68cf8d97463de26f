"""A citizen finds the hearing announced on a consultation's page and
applies with a short statement, in a real browser at phone width; the
department then sees the application on its selection page."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consultations import services as consultations
from consultations.hearings import services as hearings
from consultations.hearings.models import HearingApplication
from tests.consultations.conftest import TEXT
from tests.e2e.test_citizen_asks_official_answers import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_citizen_applies_for_a_hearing_on_a_phone(live_server, new_page, citizen, official, head):
    draft = consultations.consultation_create(actor=official, department=official.memberships.get().department,
                                              title="停车管理办法（征求意见稿）", text=TEXT)
    consultation = consultations.consultation_publish(actor=head, consultation_id=draft.pk)
    now = timezone.now()
    hearings.hearing_announce(actor=official, consultation_id=consultation.pk, place="City Hall, Room 1", seats=10,
                              apply_until=now + datetime.timedelta(days=5), starts_at=now + datetime.timedelta(days=7))
    page = new_page("en-US")
    page.set_viewport_size({"width": 375, "height": 800})
    log_in(page, live_server.url, citizen.email)
    page.goto(f"{live_server.url}/consultations/{consultation.pk}/")
    page.get_by_role("region", name="Hearings").get_by_role("link", name="City Hall, Room 1").click()
    page.get_by_label("what you wish to say at the hearing").fill("I live nearby and want to speak on parking.")
    page.get_by_role("button", name="Apply to take part").click()
    expect(page.get_by_text("Your application is recorded")).to_be_visible()
    expect(page.locator(".application-state")).to_contain_text("awaiting selection")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert HearingApplication.objects.get().applicant == citizen
