"""The e-mail task finds an event's unsent notifications by key
(notifications.tasks.email_notifications). No index served it: PostgreSQL
read every unsent notification and filtered them by key, so each task cost
more as e-mail fell behind (17 ms with 100,000 unsent, bench/RESULTS.md) and
the backlog grew faster than it was sent. A partial index of the unsent
rows' keys finds them at once and stays as small as the backlog. Built
CONCURRENTLY on PostgreSQL: notifications go on being written meanwhile."""

from django.db import migrations, models

from portal.concurrent_index import concurrent_index

INDEX = models.Index(fields=["key"], condition=models.Q(emailed_at=None), name="notification_unsent_key_idx")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction
    dependencies = [("notifications", "0003_followed_answered")]

    operations = [concurrent_index("notifications", "notification", INDEX)]
