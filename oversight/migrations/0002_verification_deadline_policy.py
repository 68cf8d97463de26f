# The verification clock of a report of misconduct: 15 working days by
# default, a policy row administrators edit like the others.

from django.db import migrations


def add_policy(apps, schema_editor):
    apps.get_model("supervision", "DeadlinePolicy").objects.get_or_create(
        clock="report_verification", case_kind="", urgency="", defaults={"amount": 15, "unit": "working_days"})


def remove_policy(apps, schema_editor):
    apps.get_model("supervision", "DeadlinePolicy").objects.filter(clock="report_verification").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("oversight", "0001_reports"),
        ("supervision", "0018_clocks_on_other_subjects"),
    ]

    operations = [migrations.RunPython(add_policy, remove_policy)]
