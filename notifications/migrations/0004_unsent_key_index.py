"""The e-mail task finds an event's unsent notifications by key
(notifications.tasks.email_notifications). No index served it: PostgreSQL
read every unsent notification and filtered them by key, so each task cost
more as e-mail fell behind (17 ms with 100,000 unsent, bench/RESULTS.md) and
the backlog grew faster than it was sent. A partial index of the unsent
rows' keys finds them at once and stays as small as the backlog. Built
CONCURRENTLY on PostgreSQL: notifications go on being written meanwhile."""

from django.db import migrations, models

INDEX = models.Index(fields=["key"], condition=models.Q(emailed_at=None), name="notification_unsent_key_idx")


def create(apps, schema_editor):
    model = apps.get_model("notifications", "Notification")
    if schema_editor.connection.vendor == "postgresql":
        # A build that failed or was cancelled leaves an invalid index behind:
        # dropped first, so a second run builds a valid one.
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS notification_unsent_key_idx")
        schema_editor.execute("CREATE INDEX CONCURRENTLY notification_unsent_key_idx "
                              "ON notifications_notification (key) WHERE emailed_at IS NULL")
    else:
        schema_editor.add_index(model, INDEX)


def drop(apps, schema_editor):
    model = apps.get_model("notifications", "Notification")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS notification_unsent_key_idx")
    else:
        schema_editor.remove_index(model, INDEX)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction
    dependencies = [("notifications", "0003_followed_answered")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="notification", index=INDEX)],
            database_operations=[migrations.RunPython(create, drop)],
        ),
    ]
