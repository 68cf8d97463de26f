"""Mobile numbers of accounts rewritten in E.164, so sign-in and the
linking of cases find them however they were typed. A number another
account already confirmed in that form is left as written (two accounts
cannot hold one confirmed number; an administrator decides)."""

import phonenumbers
from django.conf import settings
from django.db import migrations

E164 = r"^\+[1-9][0-9]{6,14}$"


def e164(raw: str) -> str | None:
    try:
        number = phonenumbers.parse(raw.strip(), settings.SMS_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def forwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for user in User.objects.exclude(phone="").exclude(phone__regex=E164).only("pk", "phone", "phone_confirmed_at"):
        normal = e164(user.phone)
        if not normal or normal == user.phone:
            continue
        taken = User.objects.filter(phone=normal, phone_confirmed_at__isnull=False).exclude(pk=user.pk).exists()
        if user.phone_confirmed_at is not None and taken:
            continue
        User.objects.filter(pk=user.pk).update(phone=normal)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_user_show_api_tokens")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
