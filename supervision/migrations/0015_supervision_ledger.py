# The supervision ledger (supervision/ledger.py): its head, its daily
# checkpoints, and each clock event's entry. The entries of existing events
# are written by 0014 before 0015 makes them required.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("supervision", "0014_reopened_cases_due"),
    ]

    operations = [
        migrations.CreateModel(
            name="LedgerHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("sequence", models.PositiveBigIntegerField(default=0)),
                ("hash", models.CharField(default="0000000000000000000000000000000000000000000000000000000000000000",
                                          max_length=64)),
            ],
            options={
                "verbose_name": "ledger head",
                "verbose_name_plural": "ledger head",
            },
        ),
        migrations.CreateModel(
            name="LedgerCheckpoint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField(unique=True, verbose_name="day")),
                ("taken_at", models.DateTimeField(verbose_name="taken at")),
                ("sequence", models.PositiveBigIntegerField(verbose_name="ledger entry")),
                ("hash", models.CharField(max_length=64, verbose_name="hash")),
                ("signature", models.CharField(blank=True, max_length=100, verbose_name="signature")),
                ("public_key", models.CharField(blank=True, max_length=100, verbose_name="public key")),
            ],
            options={
                "verbose_name": "ledger checkpoint",
                "verbose_name_plural": "ledger checkpoints",
                "ordering": ["-day"],
            },
        ),
        migrations.AddField(
            model_name="clockevent",
            name="ledger_sequence",
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="clockevent",
            name="ledger_previous",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="clockevent",
            name="ledger_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
    ]
