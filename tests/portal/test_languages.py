"""Every page speaks Simplified Chinese and English, switchable anywhere."""

import pytest
from django.urls import reverse

PAGES = ["home", "petitions:case_lookup", "accounts:login", "accounts:register"]


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", PAGES)
def test_pages_default_to_chinese_and_offer_the_switch(client, url_name):
    page = client.get(reverse(url_name)).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "查询诉求" in page  # "Track a case" in the navigation
    assert 'action="/i18n/setlang/"' in page


@pytest.mark.django_db
def test_switching_to_english_is_remembered_and_returns_to_the_page(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("petitions:case_lookup")})
    assert response.status_code == 302 and response["Location"] == reverse("petitions:case_lookup")
    page = client.get(reverse("petitions:case_lookup")).content.decode()
    assert '<html lang="en">' in page and "Track a case" in page
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "查询诉求" in client.get("/").content.decode()


@pytest.mark.django_db
def test_reference_data_is_shown_in_the_active_language(client, citizen, category):
    client.force_login(citizen)
    assert "噪音扰民" in client.get(reverse("petitions:case_submit")).content.decode()
    english = client.get(reverse("petitions:case_submit"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Noise" in english


@pytest.mark.django_db
def test_email_is_written_in_the_language_the_citizen_used(citizen, category, region):
    from django.core import mail

    from notifications.models import Notification
    from notifications.tasks import email_notifications
    from petitions.services import case_submit

    case, _ = case_submit(actor=citizen, kind="complaint", category=category, region=region, title="Noise at night",
                          body="Construction noise at night.", contact_email=citizen.email, language="en")
    email_notifications(Notification.objects.get(case=case, event="received").key)
    assert mail.outbox[0].subject == f"[{case.tracking_number}] Your case has been received"


@pytest.mark.django_db
def test_the_language_switch_returns_to_the_page_it_was_on(client):
    lookup = reverse("petitions:case_lookup")
    page = client.get(lookup, {"q": '"><b>x'}).content.decode()
    assert f'name="next" type="hidden" value="{lookup}?q=%22%3E%3Cb%3Ex"' in page
    assert "<b>x" not in page
    other = client.get(reverse("accounts:login")).content.decode()
    assert f'name="next" type="hidden" value="{reverse("accounts:login")}"' in other


@pytest.mark.django_db
def test_the_header_shows_each_person_their_own_links(client, official, citizen):
    from notifications.models import Event
    from notifications.services import notify
    from tests.factories import CaseFactory

    anonymous = client.get("/").content.decode()
    assert reverse("accounts:login") in anonymous and reverse("responses:inbox") not in anonymous
    notify(event=Event.NEW_CASE, case=CaseFactory(), users=[official])
    client.force_login(official)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert str(official) in page and reverse("responses:inbox") in page and 'aria-label="1 unread"' in page
    client.force_login(citizen)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert str(citizen) in page and reverse("responses:inbox") not in page and "unread" not in page
