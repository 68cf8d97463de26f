"""Reports of inaction and misconduct (互联网+督查): a citizen's report about
a department or official, its evidence, the supervisors' handling (asking
the department to explain from a redacted summary, the finding and its
measures), and the log of every staff read. Only supervisors see a report."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ReportCategory(models.TextChoices):
    INACTION = "inaction", _("inaction")
    DELAY = "delay", _("delay")
    SHIRKING = "shirking", _("shirking responsibility")
    ATTITUDE = "attitude", _("bad attitude")
    FAVOURS = "favours", _("demanding favours")
    OTHER = "other", _("other misconduct")


class ReportState(models.TextChoices):
    SUBMITTED = "submitted", _("awaiting a supervisor")
    VERIFYING = "verifying", _("being verified")
    DECLINED = "declined", _("declined")
    CONCLUDED = "concluded", _("finding recorded")


class Report(models.Model):
    tracking_number = models.CharField(_("tracking number"), max_length=24, unique=True)
    # An anonymous reporter follows the report with the tracking number and
    # a secret; only the secret's hash is kept.
    secret_hash = models.CharField(max_length=128, blank=True)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="oversight_reports")
    department = models.ForeignKey("accounts.Department", verbose_name=_("department reported"),
                                   on_delete=models.PROTECT, related_name="+")
    official = models.CharField(_("official (name or description)"), max_length=200, blank=True)
    category = models.CharField(_("what happened"), max_length=10, choices=ReportCategory.choices)
    body = models.TextField(_("account of what happened"), max_length=10000)
    case = models.ForeignKey("petitions.Case", verbose_name=_("your case it concerns"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=ReportState.choices,
                             default=ReportState.SUBMITTED)
    language = models.CharField(max_length=10, default="zh-hans")
    submitted_at = models.DateTimeField(_("time reported"), default=timezone.now)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    accepted_at = models.DateTimeField(_("time accepted"), null=True, blank=True)
    declined_at = models.DateTimeField(_("time declined"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), max_length=2000, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating of the handling"), null=True, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["secret_hash"],
                                no_db_index=["reporter", "department", "case", "handled_by"])

    class Meta:
        verbose_name = _("report of misconduct")
        verbose_name_plural = _("reports of misconduct")
        indexes = [
            models.Index(fields=["state", "submitted_at"], name="oversight_report_state_idx"),
            models.Index(fields=["department", "category", "submitted_at"], name="oversight_report_pattern_idx"),
            models.Index(fields=["reporter", "submitted_at"], name="oversight_report_reporter_idx"),
        ]

    def __str__(self) -> str:
        # Shown on supervisors' lists of clocks: the number only, never who or what.
        return _("Report %(number)s") % {"number": self.tracking_number}

    def get_absolute_url(self) -> str:
        return reverse("oversight:detail", kwargs={"report_id": self.pk})


def evidence_path(instance, filename: str) -> str:
    # Never the reporter's file name: it could collide, leak or traverse.
    return f"oversight/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name


class ExplanationRequest(models.Model):
    """What the department is asked to explain: a summary the supervisor
    wrote without the reporter, their words or files. The department sees
    this and nothing else of the report."""
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="explanations")
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="+")
    summary = models.TextField(_("summary for the department"), max_length=4000)
    due_at = models.DateTimeField(_("explanation due"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("the department's explanation"), max_length=10000, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(no_db_index=["report", "department", "requested_by", "answered_by"])

    class Meta:
        verbose_name = _("request for an explanation")
        verbose_name_plural = _("requests for an explanation")
        indexes = [models.Index(fields=["department", "requested_at"], name="oversight_explain_dept_idx")]

    def __str__(self) -> str:
        return _("Request for an explanation %(number)s") % {"number": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("oversight:explanation", kwargs={"request_id": self.pk})


class Outcome(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("substantiated")
    PARTLY = "partly", _("partly substantiated")
    NOT_SUBSTANTIATED = "not", _("not substantiated")


class Finding(models.Model):
    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="finding")
    outcome = models.CharField(_("finding"), max_length=15, choices=Outcome.choices)
    # What the reporter is told: the finding and the measures, never the
    # names of officials disciplined.
    conclusion = models.TextField(_("conclusion told to the reporter"), max_length=4000)
    order = models.ForeignKey("supervision.SupervisionOrder", verbose_name=_("supervision order"), null=True,
                              blank=True, on_delete=models.PROTECT, related_name="+")
    notice = models.TextField(_("written notice (通报)"), max_length=4000, blank=True)
    notice_published_at = models.DateTimeField(_("notice published"), null=True, blank=True)
    referred_to_discipline = models.BooleanField(_("referred to discipline inspection"), default=False)
    referral_note = models.TextField(_("referral note"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords(no_db_index=["report", "order", "recorded_by", "department"])

    class Meta:
        verbose_name = _("finding on a report")
        verbose_name_plural = _("findings on reports")
        indexes = [
            models.Index(fields=["department", "outcome"], name="oversight_finding_dept_idx"),
            models.Index(fields=["department", "notice_published_at"], name="oversight_notice_idx",
                         condition=models.Q(notice_published_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return _("Finding on report %(number)s") % {"number": self.report_id}


class ReportRead(models.Model):
    """Who of the staff opened a report, and when."""
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="reads", db_index=False)
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField(_("time read"), default=timezone.now)
    via = models.CharField(_("where"), max_length=20)

    class Meta:
        verbose_name = _("read of a report")
        verbose_name_plural = _("reads of reports")
        indexes = [models.Index(fields=["report", "read_at"], name="oversight_read_idx")]

    def __str__(self) -> str:
        return f"{self.reader_id} {self.read_at:%Y-%m-%d %H:%M}"
