"""The notifications page: a Chinese term in an English notice is marked
as Chinese for screen readers, and "New" is followed by the colon of the
page's language."""

import pytest
from django.urls import reverse

from notifications.models import Event, Notification
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_a_chinese_term_in_an_english_notice_is_marked(client, official, department):
    case = CaseFactory(lead_department=department)
    Notification.objects.create(recipient=official, case=case, event=Event.REMINDER, key=f"reminder:{case.pk}")
    client.force_login(official)
    page = client.get(reverse("notifications:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'Reminder (<span lang="zh-Hans">催办</span>): a deadline is near' in page
    assert "<strong>New:</strong>" in page
    page = client.get(reverse("notifications:list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'lang="zh-Hans"' not in page[page.index("<main"):]
    assert "<strong>新：</strong>" in page
