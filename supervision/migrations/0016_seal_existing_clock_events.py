# Every clock event written before the ledger becomes one of its entries, in
# the order the events were written (their ids), as supervision.ledger.seal
# would have chained them.

from django.db import migrations

BATCH = 2000


def seal_existing(apps, schema_editor):
    from supervision.clocks import event_hash
    from supervision.ledger import GENESIS, HEAD_ID, entry_hash

    ClockEvent = apps.get_model("supervision", "ClockEvent")
    LedgerHead = apps.get_model("supervision", "LedgerHead")
    head, _created = LedgerHead.objects.get_or_create(pk=HEAD_ID)
    sequence, previous = head.sequence, head.hash or GENESIS
    unsealed = ClockEvent.objects.filter(ledger_sequence=None).order_by("id")
    last_id = 0
    while True:
        events = list(unsealed.filter(id__gt=last_id)[:BATCH])
        if not events:
            break
        for event in events:
            sequence += 1
            content = event_hash(clock_id=event.clock_id, sequence=event.sequence, action=event.action, at=event.at,
                                 actor_id=event.actor_id, reason=event.reason, snapshot=event.snapshot,
                                 previous_hash=event.previous_hash)
            event.ledger_sequence, event.ledger_previous = sequence, previous
            event.ledger_hash = previous = entry_hash(previous, content)
        ClockEvent.objects.bulk_update(events, ["ledger_sequence", "ledger_previous", "ledger_hash"])
        last_id = events[-1].id
    head.sequence, head.hash = sequence, previous
    head.save(update_fields=["sequence", "hash"])


class Migration(migrations.Migration):

    dependencies = [
        ("supervision", "0015_supervision_ledger"),
    ]

    operations = [
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
    ]
