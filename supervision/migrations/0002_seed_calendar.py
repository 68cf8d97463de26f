"""Seed the working-day calendar so that a fresh install counts holidays."""

from django.db import migrations


def seed(apps, schema_editor):
    from supervision.calendar_seed import seed_calendar_from_package

    seed_calendar_from_package(apps=apps)


class Migration(migrations.Migration):

    dependencies = [
        ("supervision", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
