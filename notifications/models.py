"""What the portal tells people: a list in the site, and e-mail."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    # To the citizen
    RECEIVED = "received", _("Your case has been received")
    DISPATCHED = "dispatched", _("Your case was sent to a department")
    MATERIAL_REQUESTED = "material_requested", _("The department asks you for more material")
    REPLIED = "replied", _("Your case has been answered")
    FEEDBACK_REQUESTED = "feedback_requested", _("Please rate the answer to your case")
    MERGED = "merged", _("Your case was merged into an earlier one")
    REJECTED = "rejected", _("Your case was rejected")
    # To a department's officials
    NEW_CASE = "new_case", _("A new case for your department")
    RETURN_DECIDED = "return_decided", _("The routing centre decided on a case your department returned")
    MATERIAL_ADDED = "material_added", _("The citizen added material")
    REPLY_TO_APPROVE = "reply_to_approve", _("A reply awaits your approval")
    REPLY_SENT_BACK = "reply_sent_back", _("Your reply was sent back")
    ASSIGNED = "assigned", _("A case was assigned to you")
    # To dispatchers
    NEW_RETURN = "new_return", _("A department returned a case")
    # Supervision
    REMINDER = "reminder", _("Reminder (催办): a deadline is near")
    BREACHED = "breached", _("A deadline was missed")
    ESCALATED = "escalated", _("Second-level notice (通报): a missed deadline is still open")
    EXTENSION_REQUESTED = "extension_requested", _("An extension is asked for")
    EXTENSION_DECIDED = "extension_decided", _("A decision on an extension")
    NEW_DUE_DATE = "new_due_date", _("Your case has a new answer date")
    ORDER_ISSUED = "order_issued", _("A supervision order (督办) for your department")
    ORDER_ANSWERED = "order_answered", _("A department answered a supervision order")
    CLOSED = "closed", _("Your case is closed")
    # Petitions and surges (signatures app)
    PETITION_RESPONSE_DUE = "petition_response_due", _("A petition reached its threshold: a formal response is due")
    PETITION_HEARING = "petition_hearing", _("A petition reached the threshold for a hearing")
    SURGE_ALERT = "surge_alert", _("Surge alert: a sudden rise of similar cases")
    # Following public cases (publication app)
    FOLLOWED_ANSWERED = "followed_answered", _("A case you follow has a public answer")
    # Live interviews (interviews app)
    INTERVIEW_QUESTION_CASE = "interview_question_case", _(
        "Your interview question was not answered live: it is now a case for the department")
    # Reports of misconduct (oversight app)
    REPORT_RECEIVED = "report_received", _("A new report of misconduct to verify")
    EXPLANATION_REQUESTED = "explanation_requested", _("Supervisors ask your department to explain")
    REPORT_FINDING = "report_finding", _("Your report of misconduct was handled")
    # Consultations on draft decisions (consultations app)
    CONSULTATION_REPORT = "consultation_report", _(
        "The department published what it adopted from a consultation you commented on")
    HEARING_SELECTED = "hearing_selected", _("You are selected to take part in a hearing")
    HEARING_REFUSED = "hearing_refused", _("You are not selected for a hearing: the reason is on its page")


class Notification(models.Model):
    """One event for one person. `key` makes each event once-only per
    recipient, however often the code that raises it runs. Citizens without
    an account (phone cases) get e-mail only, by address."""

    # Indexed by notification_once_per_user (recipient first).
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications",
        db_index=False,
    )
    email = models.EmailField(blank=True)
    case = models.ForeignKey("petitions.Case", on_delete=models.CASCADE, related_name="+", null=True, blank=True)
    # A notice about something other than a case (a consultation, a
    # misconduct report) shows `title` and leads to `path` instead.
    title = models.CharField(max_length=200, blank=True)
    path = models.CharField(max_length=300, blank=True)
    event = models.CharField(max_length=30, choices=Event.choices)
    key = models.CharField(max_length=120)
    language = models.CharField(max_length=10, default="zh-hans")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_user"),
            models.UniqueConstraint(
                fields=["email", "key"], condition=models.Q(recipient=None), name="notification_once_per_address"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_list_idx"),
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["emailed_at", "created_at"], name="notification_unsent_idx"),
            # The e-mail task finds an event's unsent notifications by key
            # (notifications.tasks.email_notifications): only unsent rows.
            models.Index(fields=["key"], condition=models.Q(emailed_at=None), name="notification_unsent_key_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} ({self.case_id})"


class SmsStatus(models.TextChoices):
    WAITING = "waiting", _("waiting")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class SmsMessage(models.Model):
    """One text about one event of a case, to one number: `key` makes it
    once-only per number; claimed (waiting → sending) by a conditional
    update before the gateway is called, so a task delivered twice sends
    it once. Kept until quiet hours end in `not_before`."""

    phone = models.CharField(_("mobile number"), max_length=30)
    case = models.ForeignKey("petitions.Case", on_delete=models.CASCADE, related_name="+")
    event = models.CharField(_("event"), max_length=30, choices=Event.choices)
    key = models.CharField(max_length=120)
    kind = models.CharField(_("text"), max_length=30)
    params = models.JSONField(default=dict)
    language = models.CharField(max_length=10, default="zh-hans")
    status = models.CharField(_("status"), max_length=10, choices=SmsStatus.choices, default=SmsStatus.WAITING)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    not_before = models.DateTimeField(_("not before"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    gateway_id = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        constraints = [models.UniqueConstraint(fields=["phone", "key"], name="sms_once_per_number")]
        indexes = [
            # The sweeper's and the admin's: what still waits, by when it may go.
            models.Index(fields=["not_before"], condition=models.Q(status="waiting"), name="sms_waiting_idx"),
            models.Index(fields=["status", "-created_at"], name="sms_status_idx"),
            # The sweep's: claims whose worker may have died, oldest first.
            models.Index(fields=["claimed_at"], condition=models.Q(status="sending"), name="sms_sending_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.case_id})"


class SmsOptOut(models.Model):
    """A number that asked for no more texts (replied STOP, or chose so in
    its account's settings); texts about cases are not sent to it."""

    phone = models.CharField(_("mobile number"), max_length=30, unique=True)
    created_at = models.DateTimeField(_("since"), default=timezone.now)
    source = models.CharField(_("how"), max_length=20)

    class Meta:
        verbose_name = _("number that stopped texts")
        verbose_name_plural = _("numbers that stopped texts")

    def __str__(self) -> str:
        from accounts.phones import mask_phone

        return mask_phone(self.phone)
