"""Numbers that stopped texts, and texts kept for sending, rewritten in
E.164 like every stored number, so a STOP given in one spelling stops the
texts to every spelling."""

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
    SmsOptOut = apps.get_model("notifications", "SmsOptOut")
    SmsMessage = apps.get_model("notifications", "SmsMessage")
    for row in SmsOptOut.objects.exclude(phone__regex=E164):
        normal = e164(row.phone)
        if not normal:
            continue
        if SmsOptOut.objects.filter(phone=normal).exists():
            row.delete()  # the same number already stopped texts
        else:
            SmsOptOut.objects.filter(pk=row.pk).update(phone=normal)
    for message in SmsMessage.objects.exclude(phone__regex=E164).only("pk", "phone", "key"):
        normal = e164(message.phone)
        if normal and not SmsMessage.objects.filter(phone=normal, key=message.key).exists():
            SmsMessage.objects.filter(pk=message.pk).update(phone=normal)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0014_rating_request_and_stalled_text_index")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
