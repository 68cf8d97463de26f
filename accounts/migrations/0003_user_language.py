"""The language each person last used the site in, so their e-mails speak
it (until now staff e-mails were always in the site's default language).
Blank until they log in or switch: the site's default."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_role_groups'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='language',
            field=models.CharField(blank=True, choices=[('zh-hans', 'Simplified Chinese'), ('en', 'English')], db_default='', default='', max_length=10, verbose_name='language'),
        ),
    ]
