"""What officials and the routing work produce: routing rules and the
decisions they made, and replies."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from petitions.models import Kind


class RoutingRule(models.Model):
    """Rules are tried in priority order (lowest first); the first whose
    every given condition matches routes the case. An empty condition
    matches anything; a category or region also matches its descendants;
    keywords match when any one of them appears in the title or details."""

    name = models.CharField(_("name"), max_length=100)
    priority = models.PositiveIntegerField(_("priority"), default=100, help_text=_("Lower runs first."))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, blank=True)
    category = models.ForeignKey(
        "petitions.Category", verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT
    )
    region = models.ForeignKey(
        "petitions.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    keywords = models.TextField(
        _("keywords"), blank=True, help_text=_("One per line or separated by commas; any one matches.")
    )
    lead_department = models.ForeignKey(
        "accounts.Department", verbose_name=_("lead department"), on_delete=models.PROTECT,
        related_name="routing_rules",
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        return self.name

    def keyword_list(self) -> list[str]:
        raw = self.keywords.replace("，", ",").replace("\n", ",")
        return [word.strip().lower() for word in raw.split(",") if word.strip()]


class RoutingMethod(models.TextChoices):
    RULE = "rule", _("matched a routing rule")
    NO_MATCH = "no_match", _("no rule matched: sent to the routing centre")
    MANUAL = "manual", _("dispatched by hand")


class RoutingDecision(models.Model):
    """One per routing of a case, kept for the audit: which rule matched,
    or who dispatched it by hand."""

    case = models.ForeignKey("petitions.Case", on_delete=models.CASCADE, related_name="routing_decisions")
    method = models.CharField(_("method"), max_length=10, choices=RoutingMethod.choices)
    rule = models.ForeignKey(RoutingRule, null=True, blank=True, on_delete=models.SET_NULL)
    department = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("routing decision")
        verbose_name_plural = _("routing decisions")
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_method_display()}"


class Reply(models.Model):
    case = models.ForeignKey("petitions.Case", on_delete=models.CASCADE, related_name="replies")
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("reply"), max_length=10000)
    created_at = models.DateTimeField(default=timezone.now)
    citizen_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["citizen_notified_at"])

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.body[:40]}"
