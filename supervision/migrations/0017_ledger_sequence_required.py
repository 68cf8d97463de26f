from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("supervision", "0016_seal_existing_clock_events"),
    ]

    operations = [
        migrations.AlterField(
            model_name="clockevent",
            name="ledger_sequence",
            field=models.PositiveBigIntegerField(unique=True),
        ),
    ]
