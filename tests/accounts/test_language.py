"""A person's e-mails speak the language they use the site in: remembered
at login and when they switch, used for every e-mail except a citizen's
about their own case (the language they filed it in)."""

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import Event, Notification
from notifications.services import notify
from tests.factories import DispatchedCaseFactory

pytestmark = pytest.mark.django_db


def test_logging_in_in_english_remembers_english(client, official, password):
    assert official.language == ""  # not known yet: the site's default
    client.cookies["django_language"] = "en"
    response = client.post(reverse("accounts:login"), {"username": official.email, "password": password})
    assert response.status_code == 302
    official.refresh_from_db()
    assert official.language == "en"


def test_switching_language_is_remembered_for_someone_logged_in(client, official):
    client.force_login(official)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"
    official.refresh_from_db()
    assert official.language == "en"
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})  # not a language of the site
    official.refresh_from_db()
    assert official.language == "en"


def test_switching_language_without_an_account_still_works(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"


def test_staff_hear_in_their_language_and_citizens_in_their_case_s(
        official, citizen, django_capture_on_commit_callbacks):
    official.language = "en"
    official.save()
    citizen.language = "en"
    citizen.save()
    case = DispatchedCaseFactory(citizen=citizen, language="zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        notify(event=Event.NEW_CASE, case=case, users=[official])
        notify(event=Event.DISPATCHED, case=case, users=[citizen])
    assert dict(Notification.objects.values_list("recipient__email", "language")) == {
        official.email: "en", citizen.email: "zh-hans"}
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert "A new case for your department" in subjects[official.email]
    assert any("\u4e00" <= character <= "\u9fff" for character in subjects[citizen.email])
