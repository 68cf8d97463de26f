"""When each account proved its e-mail address is its own. Accounts made
before confirmation existed count as confirmed: staff accounts were made by
administrators, citizens' own cases are already linked to them, and no
one can tell a squatted one from a real one afterwards."""

from django.db import migrations, models
from django.utils import timezone


def existing_accounts_confirmed(apps, schema_editor):
    apps.get_model("accounts", "User").objects.filter(email_confirmed_at=None).update(email_confirmed_at=timezone.now())


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_user_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="email_confirmed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="e-mail address confirmed"),
        ),
        migrations.RunPython(existing_accounts_confirmed, migrations.RunPython.noop),
    ]
