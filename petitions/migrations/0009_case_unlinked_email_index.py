"""Operator-recorded cases that no account holds yet, by the address they
were recorded with: an account that confirms the address takes them. Built
CONCURRENTLY on PostgreSQL (portal.concurrent_index)."""

from django.db import migrations, models

from portal.concurrent_index import concurrent_index

INDEX = models.Index(fields=["contact_email"], name="case_unlinked_email_idx",
                     condition=models.Q(citizen__isnull=True, channel__in=["phone", "walk_in"]))


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("petitions", "0008_case_indexes_of_routed_cases"),
    ]

    operations = [concurrent_index("petitions", "case", INDEX)]
