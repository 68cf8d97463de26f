"""The default limits from DOMAIN.md, as rows an administrator can edit."""

from django.db import migrations

# clock, case kind ("" = any), urgency ("" = any), amount, unit
DEFAULTS = [
    ("dispatch", "", "", 24, "hours"),
    ("dispatch", "", "urgent", 2, "hours"),
    ("dispatch", "", "emergency", 1, "hours"),
    ("sign_for", "", "", 1, "working_days"),
    ("reply", "", "", 7, "working_days"),
    ("reply", "consultation", "", 3, "working_days"),
    ("reply", "suggestion", "", 7, "working_days"),
    ("reply", "complaint", "", 13, "working_days"),
    ("reply", "help", "", 7, "working_days"),
    ("reply", "", "emergency", 2, "hours"),
    ("rehandling", "", "", 7, "working_days"),
    ("feedback", "", "", 168, "hours"),  # the citizen's 7-day feedback window
]


def create(apps, schema_editor):
    DeadlinePolicy = apps.get_model("supervision", "DeadlinePolicy")
    for clock, case_kind, urgency, amount, unit in DEFAULTS:
        DeadlinePolicy.objects.get_or_create(
            clock=clock, case_kind=case_kind, urgency=urgency, defaults={"amount": amount, "unit": unit}
        )


class Migration(migrations.Migration):
    dependencies = [("supervision", "0003_clocks")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
