"""A hearing announced on a consultation, and each citizen's application
to speak at it. Models are registered through consultations.models."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Hearing(models.Model):
    consultation = models.ForeignKey("consultations.Consultation", on_delete=models.CASCADE,
                                     related_name="hearings", db_index=False)
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=300)
    seats = models.PositiveIntegerField(_("seats for citizens"))
    apply_until = models.DateTimeField(_("applications close"))
    announced_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    announced_at = models.DateTimeField(_("time announced"), default=timezone.now)
    minutes = models.TextField(_("minutes"), max_length=50000, blank=True)
    minutes_file = models.FileField(_("minutes (PDF)"), upload_to="consultations/hearings/%Y/%m/", blank=True)
    minutes_published_at = models.DateTimeField(_("time the minutes were published"), null=True, blank=True)

    history = HistoricalRecords(no_db_index=["consultation", "announced_by"])

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        indexes = [models.Index(fields=["consultation", "starts_at"], name="hearing_consultation_idx")]

    def __str__(self) -> str:
        return f"{self.consultation_id}: {self.starts_at:%Y-%m-%d}"

    @property
    def applications_open(self) -> bool:
        return timezone.now() < self.apply_until


class ApplicationState(models.TextChoices):
    APPLIED = "applied", _("awaiting selection")
    SELECTED = "selected", _("selected")
    REFUSED = "refused", _("not selected")


class HearingApplication(models.Model):
    """A citizen's wish to take part, and the department's decision on it;
    every decision (and change of mind) stays in the history."""

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="applications", db_index=False)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="hearing_applications", db_index=False)
    statement = models.TextField(_("statement"), max_length=1000)
    state = models.CharField(_("decision"), max_length=10, choices=ApplicationState.choices,
                             default=ApplicationState.APPLIED)
    reason = models.TextField(_("reason for not selecting"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(_("time decided"), null=True, blank=True)
    applied_at = models.DateTimeField(_("time applied"), default=timezone.now)

    history = HistoricalRecords(no_db_index=["hearing", "applicant", "decided_by"])

    class Meta:
        verbose_name = _("hearing application")
        verbose_name_plural = _("hearing applications")
        constraints = [models.UniqueConstraint(fields=["hearing", "applicant"], name="hearing_apply_once")]
        indexes = [
            models.Index(fields=["hearing", "state", "applied_at"], name="hearing_application_idx"),
            models.Index(fields=["applicant", "applied_at"], name="hearing_applicant_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.hearing_id}/{self.applicant_id}: {self.state}"
