# The feedback-report clock: when a consultation's window closes, the
# department owes its report (意见采纳情况). Its default limit is a policy
# row administrators edit like the others.

from django.db import migrations


def add_policy(apps, schema_editor):
    DeadlinePolicy = apps.get_model("supervision", "DeadlinePolicy")
    # 20 working days: four working weeks to read and answer every comment group.
    DeadlinePolicy.objects.get_or_create(
        clock="consultation_report", case_kind="", urgency="", defaults={"amount": 20, "unit": "working_days"})


def remove_policy(apps, schema_editor):
    apps.get_model("supervision", "DeadlinePolicy").objects.filter(clock="consultation_report").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("consultations", "0001_initial"),
        ("supervision", "0018_clocks_on_other_subjects"),
    ]

    operations = [
        migrations.RunPython(add_policy, remove_policy),
    ]
