"""The moderation queue read every case that ever asked for publication
(441,496 at 10,000,000 cases: 0.8 s for an empty queue, bench/RESULTS.md).
A flag set by the moderator's decision lets a partial index (migration
0006) hold only the cases still waiting. Filled in for decisions already
made by publication migration 0005. Its own migration, in a transaction:
a later step that fails can be run again."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("petitions", "0004_case_title_trigram_for_icontains")]

    operations = [
        migrations.AddField(model_name="case", name="publication_decided",
                            field=models.BooleanField(default=False, db_default=False, editable=False)),
    ]
