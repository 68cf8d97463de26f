# The signatures app's events: petition thresholds and surge alerts.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='notification',
            name='event',
            field=models.CharField(choices=[('received', 'Your case has been received'), ('dispatched', 'Your case was sent to a department'), ('material_requested', 'The department asks you for more material'), ('replied', 'Your case has been answered'), ('merged', 'Your case was merged into an earlier one'), ('rejected', 'Your case was rejected'), ('new_case', 'A new case for your department'), ('return_decided', 'The routing centre decided on a case your department returned'), ('material_added', 'The citizen added material'), ('reply_to_approve', 'A reply awaits your approval'), ('reply_sent_back', 'Your reply was sent back'), ('assigned', 'A case was assigned to you'), ('new_return', 'A department returned a case'), ('reminder', 'Reminder (催办): a deadline is near'), ('breached', 'A deadline was missed'), ('escalated', 'Second-level notice (通报): a missed deadline is still open'), ('extension_requested', 'An extension is asked for'), ('extension_decided', 'A decision on an extension'), ('new_due_date', 'Your case has a new answer date'), ('order_issued', 'A supervision order (督办) for your department'), ('order_answered', 'A department answered a supervision order'), ('closed', 'Your case is closed'), ('petition_response_due', 'A petition reached its threshold: a formal response is due'), ('petition_hearing', 'A petition reached the threshold for a hearing'), ('surge_alert', 'Surge alert: a sudden rise of similar cases')], max_length=30),
        ),
    ]
