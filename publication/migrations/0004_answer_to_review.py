"""The moderators' list of answers to review read every published case
(2.3 s at 441,496 publications, bench/RESULTS.md). A flag set when a case's
answer is published after the last decision lets a partial index
(migration 0005) hold only those. Its own migration, in a transaction: a
later step that fails can be run again."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("publication", "0003_case_follow"),
        ("petitions", "0005_case_publication_decided"),
    ]

    operations = [
        migrations.AddField(model_name="publication", name="answer_to_review",
                            field=models.BooleanField(default=False, db_default=False, editable=False)),
    ]
