"""The e-mail task's lookup of an event's unsent notifications is served by
an index however many notifications wait (notifications migration 0004)."""

import pytest
from django.db import connection

from notifications.models import Event, Notification
from tests.factories import CaseFactory
from tests.plans import plan_without_seq_scans

pytestmark = pytest.mark.django_db


def test_an_event_s_unsent_notifications_are_found_by_the_unsent_key_index_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("index plans are checked on PostgreSQL")
    case = CaseFactory()
    Notification.objects.bulk_create(
        Notification(email=f"n{n}@example.org", case=case, event=Event.RECEIVED, key=f"received:{n}:")
        for n in range(200))
    plan = plan_without_seq_scans(
        Notification.objects.filter(key="received:7:", emailed_at=None).values_list("id", flat=True))
    assert "notification_unsent_key_idx" in plan, plan
