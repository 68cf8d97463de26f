"""Operator-recorded cases that no account holds yet, by the mobile number
they were recorded with: an account that confirms the number takes them.
Built CONCURRENTLY on PostgreSQL (portal.concurrent_index)."""

from django.db import migrations, models

from portal.concurrent_index import concurrent_index

INDEX = models.Index(fields=["contact_phone"], name="case_unlinked_phone_idx",
                     condition=models.Q(citizen__isnull=True, channel__in=["phone", "walk_in"]))


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("petitions", "0010_case_title_search_trigram"),
    ]

    operations = [concurrent_index("petitions", "case", INDEX)]
