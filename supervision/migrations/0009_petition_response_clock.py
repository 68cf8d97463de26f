# The petition-response clock (signatures app): a petition that crosses its
# first signature threshold obliges the department to a formal response.
# Its default limit is a policy row administrators edit like the others.

from django.db import migrations, models

CHOICES = [('dispatch', 'dispatch'), ('sign_for', 'sign for'), ('reply', 'reply'), ('rehandling', 're-handling'), ('order', 'supervision order'), ('feedback', 'citizen feedback window'), ('petition_response', 'formal response to a petition')]


def add_policy(apps, schema_editor):
    DeadlinePolicy = apps.get_model("supervision", "DeadlinePolicy")
    # 15 working days: three working weeks, twice the default reply limit,
    # for an answer the department writes to thousands of signers.
    DeadlinePolicy.objects.get_or_create(
        clock="petition_response", case_kind="", urgency="", defaults={"amount": 15, "unit": "working_days"})


def remove_policy(apps, schema_editor):
    apps.get_model("supervision", "DeadlinePolicy").objects.filter(clock="petition_response").delete()


class Migration(migrations.Migration):

    dependencies = [
        ('supervision', '0008_breached_open_index'),
    ]

    operations = [
        migrations.AlterField(
            model_name='deadlinepolicy',
            name='clock',
            field=models.CharField(choices=CHOICES, max_length=20, verbose_name='clock'),
        ),
        migrations.AlterField(
            model_name='supervisionclock',
            name='kind',
            field=models.CharField(choices=CHOICES, max_length=20, verbose_name='clock'),
        ),
        migrations.RunPython(add_policy, remove_policy),
    ]
