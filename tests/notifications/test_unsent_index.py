"""The e-mail task's lookup of an event's unsent notifications is served by
an index however many notifications wait (notifications migration 0004)."""

import pytest
from django.db import connection

from notifications.models import Event, Notification
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_an_event_s_unsent_notifications_are_found_by_the_unsent_key_index_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("index plans are checked on PostgreSQL")
    case = CaseFactory()
    Notification.objects.bulk_create(
        Notification(email=f"n{n}@example.org", case=case, event=Event.RECEIVED, key=f"received:{n}:")
        for n in range(200))
    queryset = Notification.objects.filter(key="received:7:", emailed_at=None).values_list("id", flat=True)
    with connection.cursor() as cursor:
        # Sequential scans priced out (the table is small here): of the
        # indexes left, the plan must take the one made for this lookup.
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "notification_unsent_key_idx" in plan, plan
