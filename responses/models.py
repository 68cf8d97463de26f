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
    an area matches a case whose point on the map lies inside it; keywords
    match when any one of them appears in the title or details."""

    name = models.CharField(_("name"), max_length=100)
    priority = models.PositiveIntegerField(_("priority"), default=100, help_text=_("Lower runs first."))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, blank=True)
    category = models.ForeignKey(
        "petitions.Category", verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT
    )
    region = models.ForeignKey(
        "petitions.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    # The case's point lies inside this area (places.Area): a street
    # office's patch, whatever region the citizen chose.
    area = models.ForeignKey(
        "places.Area", verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="routing_rules", help_text=_("Matches cases whose place on the map lies inside it."),
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
    # PROTECT: the audit must always say which rule routed a case; retire a
    # rule by making it inactive.
    rule = models.ForeignKey(RoutingRule, null=True, blank=True, on_delete=models.PROTECT)
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


class ReplyState(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", _("awaiting the head's approval")
    PUBLISHED = "published", _("published")
    SENT_BACK = "sent_back", _("sent back by the head")


class PublishedReplyManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(state=ReplyState.PUBLISHED)


class Reply(models.Model):
    case = models.ForeignKey("petitions.Case", on_delete=models.CASCADE, related_name="replies")
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("reply"), max_length=10000)
    state = models.CharField(max_length=20, choices=ReplyState.choices, default=ReplyState.PUBLISHED)
    cited_opinions = models.ManyToManyField("CaseAssistance", blank=True, related_name="cited_in")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_note = models.TextField(_("head's note"), max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = models.Manager()
    published = PublishedReplyManager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.body[:40]}"


class ReturnRequest(models.Model):
    """退单: a department says a case is not theirs; a dispatcher decides to
    re-route it or to send it back to them."""

    class Decision(models.TextChoices):
        REROUTED = "rerouted", _("re-routed to another department")
        SENT_BACK = "sent_back", _("sent back to the department")
        REJECTED = "rejected", _("case rejected")
        MERGED = "merged", _("case merged")
        WITHDRAWN = "withdrawn", _("case withdrawn")

    case = models.ForeignKey("petitions.Case", on_delete=models.CASCADE, related_name="returns")
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="+")
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason for returning"), max_length=2000)
    returned_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    decision_note = models.TextField(_("the dispatcher's note"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        ordering = ["returned_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.reason[:40]}"


class CaseAssistance(models.Model):
    """协办: a department assisting the lead department, and its opinion."""

    case = models.ForeignKey("petitions.Case", on_delete=models.CASCADE, related_name="assistances")
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="assisted_cases")
    opinion = models.TextField(_("opinion"), max_length=5000, blank=True)
    opinion_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opinion_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("assisting department")
        verbose_name_plural = _("assisting departments")
        constraints = [models.UniqueConstraint(fields=["case", "department"], name="unique_assistance")]
        indexes = [models.Index(fields=["department", "case"], name="assistance_department_idx")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.department}"


class InternalNote(models.Model):
    """A note between officials; the citizen never sees it."""

    case = models.ForeignKey("petitions.Case", on_delete=models.CASCADE, related_name="internal_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("note"), max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.body[:40]}"


class ReplyTemplate(models.Model):
    """A starting text for replies in a category; officials edit it first."""

    title = models.CharField(_("title"), max_length=100)
    category = models.ForeignKey(
        "petitions.Category", verbose_name=_("category"), null=True, blank=True, on_delete=models.CASCADE,
        help_text=_("Empty: offered for every category."),
    )
    body = models.TextField(_("text"), max_length=10000)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class ReturnVisit(models.Model):
    """回访: an operator calls the citizen back after a reply."""

    class Outcome(models.TextChoices):
        SATISFIED = "satisfied", _("satisfied")
        BASICALLY_SATISFIED = "basically_satisfied", _("basically satisfied")
        UNSATISFIED = "unsatisfied", _("unsatisfied")
        UNREACHABLE = "unreachable", _("could not be reached")

    case = models.ForeignKey("petitions.Case", on_delete=models.CASCADE, related_name="return_visits")
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    resolved = models.BooleanField(_("the citizen says the problem was resolved"), null=True, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    visited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("return visit")
        verbose_name_plural = _("return visits")
        ordering = ["visited_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_outcome_display()}"
