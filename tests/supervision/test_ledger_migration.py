"""The migration that brings in the ledger makes entries of the events
already written, in the order they were written, and the result verifies."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from supervision.audit import verify_clocks, verify_ledger
from supervision.ledger import current_head
from supervision.models import ClockEvent
from tests.supervision.tampering import make_history

pytestmark = pytest.mark.django_db(transaction=True)


def migration_named(suffix: str) -> str:
    """The supervision migration whose name ends so (numbers may change on merge)."""
    (name,) = [name for app, name in MigrationLoader(connection).disk_migrations
               if app == "supervision" and name.endswith(suffix)]
    return name


def test_events_written_before_the_ledger_are_sealed_in_the_order_written(official, department):
    make_history(official, department)
    ids = list(ClockEvent.objects.order_by("id").values_list("id", flat=True))
    latest = MigrationLoader(connection).graph.leaf_nodes("supervision")[0][1]
    call_command("migrate", "supervision", migration_named("_supervision_ledger"), verbosity=0)
    # As a database of the release before: no entries, no head.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE supervision_clockevent SET ledger_sequence = NULL, ledger_previous = '', "
                       "ledger_hash = ''")
        cursor.execute("DELETE FROM supervision_ledgerhead")
    call_command("migrate", "supervision", latest, verbosity=0)
    sealed = list(ClockEvent.objects.order_by("ledger_sequence").values_list("id", "ledger_sequence"))
    assert sealed == [(event_id, number) for number, event_id in enumerate(ids, start=1)]
    assert current_head() == (len(ids), ClockEvent.objects.get(ledger_sequence=len(ids)).ledger_hash)
    assert list(verify_ledger()) == [] and list(verify_clocks()) == []
