"""Contact numbers written before every input path stored E.164 are
rewritten in it, so a look-up or a confirmed number finds them however
they were typed; what is not a valid number (an extension, a note) stays
as written."""

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
    Case = apps.get_model("petitions", "Case")
    batch = []
    rows = Case.objects.exclude(contact_phone="").exclude(contact_phone__regex=E164)
    for case in rows.only("pk", "contact_phone").iterator(chunk_size=2000):
        normal = e164(case.contact_phone)
        if normal and normal != case.contact_phone:
            case.contact_phone = normal
            batch.append(case)
        if len(batch) >= 1000:
            Case.objects.bulk_update(batch, ["contact_phone"])
            batch = []
    Case.objects.bulk_update(batch, ["contact_phone"])


class Migration(migrations.Migration):
    dependencies = [("petitions", "0012_case_location")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
