"""A reopened case is held to its re-handling clock, but reopening left the
case's due time empty (it was cleared when the first reply went out), so
the inbox's "due" filters and the case pages missed it. Fill it in from
the open re-handling clock for cases being handled again."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

HANDLING_AGAIN = ["accepted", "material_requested", "pending_approval"]


def fill_due(apps, schema_editor):
    Case = apps.get_model("petitions", "Case")
    Clock = apps.get_model("supervision", "SupervisionClock")
    due = (Clock.objects.filter(case_id=OuterRef("pk"), kind="rehandling", stopped_at=None,
                                state__in=["running", "paused", "breached"])
           .order_by("due_at").values("due_at")[:1])
    Case.objects.filter(reopened_count__gt=0, due_at=None, status__in=HANDLING_AGAIN).update(due_at=Subquery(due))


class Migration(migrations.Migration):

    dependencies = [
        ("petitions", "0008_case_indexes_of_routed_cases"),
        ("supervision", "0013_warning_never_before_half_time"),
    ]

    operations = [migrations.RunPython(fill_due, migrations.RunPython.noop, elidable=True)]
