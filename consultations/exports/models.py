"""A comment export being written, with its progress. Registered through
consultations.models."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CommentExport(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("waiting to start")
        RUNNING = "running", _("being written")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    consultation = models.ForeignKey("consultations.Consultation", on_delete=models.CASCADE,
                                     related_name="exports", db_index=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    format = models.CharField(max_length=4, choices=Format.choices)
    language = models.CharField(max_length=10, default="")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/consultations/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("comment export")
        verbose_name_plural = _("comment exports")
        indexes = [models.Index(fields=["consultation", "created_at"], name="comment_export_idx")]

    def __str__(self) -> str:
        return f"{self.consultation_id}/{self.pk} {self.format} {self.state}"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if self.state == self.State.DONE else 0)
