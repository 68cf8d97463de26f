"""Deadlines as supervision records: the working-day calendar, the policy
that sets each limit, and the clocks that run on every case."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from petitions.models import Kind, Urgency


class CalendarDay(models.Model):
    """A day that breaks the weekly rule: a public holiday on a weekday, or a
    make-up working day (调休) on a weekend. Every other Monday to Friday is
    a working day and every other Saturday and Sunday is not."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("public holiday")
        MAKEUP_WORKDAY = "makeup_workday", _("make-up working day (调休)")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("type of day"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()

    @property
    def is_working_day(self) -> bool:
        return self.kind == self.Kind.MAKEUP_WORKDAY


class CalendarYear(models.Model):
    """A year whose holidays and make-up days have been entered. Deadline
    arithmetic warns when it reaches a year that is not here."""

    year = models.PositiveIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    entered_at = models.DateTimeField(_("entered"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class ClockKind(models.TextChoices):
    DISPATCH = "dispatch", _("dispatch")
    SIGN_FOR = "sign_for", _("sign for")
    REPLY = "reply", _("reply")
    REHANDLING = "rehandling", _("re-handling")
    ORDER = "order", _("supervision order")
    FEEDBACK = "feedback", _("citizen feedback window")
    # A petition that crossed its first signature threshold (signatures app).
    PETITION_RESPONSE = "petition_response", _("formal response to a petition")
    # Clocks about something other than a case (SupervisionClock.subject).
    CONSULTATION_REPORT = "consultation_report", _("feedback report on a consultation")
    REPORT_VERIFICATION = "report_verification", _("verification of a misconduct report")


class LimitUnit(models.TextChoices):
    HOURS = "hours", _("hours (day and night)")
    WORKING_HOURS = "working_hours", _("working hours")
    WORKING_DAYS = "working_days", _("working days")


class DeadlinePolicy(models.Model):
    """How long a clock may run. The most specific matching row wins: one
    naming the case's kind and urgency beats one naming only the urgency,
    which beats one naming only the kind, which beats the default row."""

    clock = models.CharField(_("clock"), max_length=20, choices=ClockKind.choices)
    case_kind = models.CharField(_("case kind"), max_length=20, blank=True,
                                 choices=[("", _("any kind")), *Kind.choices])
    urgency = models.CharField(_("urgency"), max_length=10, blank=True,
                               choices=[("", _("any urgency")), *Urgency.choices])
    amount = models.PositiveIntegerField(_("limit"))
    unit = models.CharField(_("unit"), max_length=20, choices=LimitUnit.choices)
    warn_fraction = models.DecimalField(
        _("warn when this share of the time has gone"), max_digits=3, decimal_places=2, default="0.75"
    )
    escalate_after_working_days = models.PositiveIntegerField(
        _("second-level notice (通报) this many working days after a breach"), default=5
    )

    class Meta:
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        ordering = ["clock", "case_kind", "urgency"]
        constraints = [
            models.UniqueConstraint(fields=["clock", "case_kind", "urgency"], name="unique_deadline_policy"),
        ]

    def __str__(self) -> str:
        return f"{self.get_clock_display()} {self.case_kind or '*'} {self.urgency or '*'}: {self.amount} {self.unit}"


class ClockState(models.TextChoices):
    RUNNING = "running", _("running")
    PAUSED = "paused", _("paused")
    MET = "met", _("met")
    BREACHED = "breached", _("breached")
    CANCELLED = "cancelled", _("cancelled")


OPEN_CLOCK_STATES = (ClockState.RUNNING, ClockState.PAUSED)


class SupervisionClock(models.Model):
    """One deadline on one case: a supervision record. Its due time changes
    only through an approved extension or an administrator's correction with
    a reason; every change is an entry in its hash-chained event log."""

    # Indexed by clock_case_idx and clock_department_idx, which start with them.
    case = models.ForeignKey("petitions.Case", on_delete=models.CASCADE, related_name="clocks", db_index=False,
                             null=True, blank=True)
    # Or what else it runs on (a consultation, a misconduct report): the app
    # that owns the subject says who hears of it (supervision.subjects).
    subject_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    kind = models.CharField(_("clock"), max_length=20, choices=ClockKind.choices)
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="clocks", db_index=False,
    )
    order = models.ForeignKey("SupervisionOrder", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="clocks")
    # The case's category and region (which never change), copied so the
    # dashboard groups clocks without reading the cases.
    category = models.ForeignKey("petitions.Category", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", db_index=False)
    region = models.ForeignKey("petitions.Region", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", db_index=False)
    state = models.CharField(_("state"), max_length=10, choices=ClockState.choices, default=ClockState.RUNNING)
    limit_amount = models.PositiveIntegerField(_("limit"), null=True, blank=True)
    limit_unit = models.CharField(_("unit"), max_length=20, choices=LimitUnit.choices, blank=True)
    escalate_after_working_days = models.PositiveIntegerField(default=5)
    started_at = models.DateTimeField(_("started"))
    warn_at = models.DateTimeField(_("warning time"))
    due_at = models.DateTimeField(_("due"))
    original_due_at = models.DateTimeField(_("original due time"))
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    # Why it stopped ("returned" for a sign-for clock stopped by 退单), and
    # how long it ran in working hours: kept so the dashboard aggregates in
    # the database instead of recomputing calendars over millions of rows.
    stop_reason = models.CharField(max_length=30, blank=True)
    working_hours = models.FloatField(null=True, blank=True)
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    # Set once each by the periodic scan, by a conditional update, so every
    # reminder and escalation goes out exactly once.
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breach notice sent"), null=True, blank=True)
    escalate_at = models.DateTimeField(_("second-level notice due"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("second-level notice sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("supervision clock")
        verbose_name_plural = _("supervision clocks")
        ordering = ["started_at", "id"]
        indexes = [
            # The scan reads only clocks whose moment has come: partial
            # indexes keep its cost proportional to those, not to all clocks.
            models.Index(fields=["warn_at"], name="clock_to_remind_idx",
                         condition=models.Q(state="running", reminded_at=None)),
            models.Index(fields=["due_at"], name="clock_to_breach_idx",
                         condition=models.Q(state="running", breached_at=None)),
            models.Index(fields=["escalate_at"], name="clock_to_escalate_idx",
                         condition=models.Q(state="breached", stopped_at=None, escalated_at=None)),
            # Near-breach and breached lists; per-case lookups.
            models.Index(fields=["state", "due_at"], name="clock_state_due_idx"),
            models.Index(fields=["due_at"], name="clock_breached_open_idx",
                         condition=models.Q(state="breached", stopped_at=None)),
            models.Index(fields=["case", "kind"], name="clock_case_idx"),
            models.Index(fields=["subject_type", "subject_id", "kind"], name="clock_subject_idx",
                         condition=models.Q(subject_id__isnull=False)),
            models.Index(fields=["department", "kind", "started_at"], name="clock_department_idx"),
            # The dashboard counts live only the running and paused clocks
            # past their due time (the rest are tallied), and reads the
            # finished clocks of part-months by start for the percentiles.
            # Covering (on PostgreSQL), so neither visits the table.
            models.Index(fields=["due_at"], name="clock_open_due_idx",
                         condition=models.Q(state__in=["running", "paused"]),
                         include=["kind", "started_at", "department", "category", "region"]),
            models.Index(fields=["started_at"], name="clock_timed_started_idx",
                         condition=models.Q(kind__in=["sign_for", "reply"], working_hours__isnull=False,
                                            stopped_at__isnull=False)
                         & ~models.Q(stop_reason="returned") & ~models.Q(state="cancelled"),
                         include=["kind", "department", "category", "region", "working_hours", "case"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(case__isnull=False) | models.Q(subject_id__isnull=False),
                                   name="clock_runs_on_case_or_subject"),
        ]

    def __str__(self) -> str:
        on = self.case_id if self.case_id is not None else f"{self.subject_type_id}:{self.subject_id}"
        return f"{on} {self.get_kind_display()} {self.get_state_display()}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_CLOCK_STATES or (self.state == ClockState.BREACHED and self.stopped_at is None)


class Facet(models.TextChoices):
    """Which case attribute a tally row is broken down by, besides the
    department: none (every case), the category, or the region."""

    ALL = "", _("all cases")
    CATEGORY = "category", _("category")
    REGION = "region", _("region")


class ClockTally(models.Model):
    """How many department clocks started on a day, by department, facet,
    kind, the state they are in now and whether a return stopped them.
    Each change of state moves a clock from one row to another in the
    transaction that makes it (supervision/tallies.py), so the dashboard
    adds up days instead of millions of clocks and stays exact.
    `manage.py verify_supervision` checks it against a recount and
    `manage.py rebuild_tallies` rebuilds it."""

    day = models.DateField()
    facet = models.CharField(max_length=10, choices=Facet.choices, blank=True)
    dim = models.PositiveIntegerField(default=0)  # category or region id; 0: none
    department_id = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=ClockKind.choices)
    state = models.CharField(max_length=10, choices=ClockState.choices)
    returned = models.BooleanField(default=False)
    clocks = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("clock tally")
        verbose_name_plural = _("clock tallies")
        constraints = [models.UniqueConstraint(
            fields=["facet", "dim", "day", "department_id", "kind", "state", "returned"], name="clock_tally_key")]

    def __str__(self) -> str:
        return f"{self.day} {self.facet}{self.dim or ''} {self.department_id} {self.kind} {self.state}: {self.clocks}"


class FeedbackTally(models.Model):
    """How many ratings were given on a day, by department, facet and answer."""

    day = models.DateField()
    facet = models.CharField(max_length=10, choices=Facet.choices, blank=True)
    dim = models.PositiveIntegerField(default=0)
    department_id = models.PositiveIntegerField(default=0)
    resolved = models.BooleanField()
    satisfaction = models.CharField(max_length=20)
    reopened = models.BooleanField()
    ratings = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("feedback tally")
        verbose_name_plural = _("feedback tallies")
        constraints = [models.UniqueConstraint(
            fields=["facet", "dim", "day", "department_id", "resolved", "satisfaction", "reopened"],
            name="feedback_tally_key")]

    def __str__(self) -> str:
        return f"{self.day} {self.facet}{self.dim or ''} {self.department_id} {self.satisfaction}: {self.ratings}"


class HoursTally(models.Model):
    """How many finished sign-for and reply clocks took each tenth of a
    working hour, by the month they started and by department, category or
    region: the median and 90th percentile come from these counts. Months,
    not days: a day's rows would be nearly as many as its clocks. Each clock
    is counted twice, in its month's row and in its year's (whole_year,
    month = 1 January): a year of months is read as one year's rows, about
    a twelfth as many (supervision/metrics.py, _tallied_hours)."""

    month = models.DateField()
    whole_year = models.BooleanField(default=False)
    facet = models.CharField(max_length=10, choices=Facet.choices, blank=True)
    dim = models.PositiveIntegerField(default=0)  # category or region id; 0: by department
    department_id = models.PositiveIntegerField(default=0)  # 0 in category and region rows
    kind = models.CharField(max_length=20, choices=ClockKind.choices)
    tenths = models.PositiveIntegerField()
    clocks = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("working-hours tally")
        verbose_name_plural = _("working-hours tallies")
        constraints = [models.UniqueConstraint(
            fields=["facet", "whole_year", "dim", "month", "department_id", "kind", "tenths"],
            name="hours_tally_key")]
        # PostgreSQL adds up a period's rows from the index alone.
        indexes = [models.Index(fields=["facet", "whole_year", "month", "dim", "department_id", "kind", "tenths"],
                                include=["clocks"], name="hours_tally_cover_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y}{'' if self.whole_year else f'-{self.month:%m}'} {self.facet}{self.dim or ''} " \
               f"{self.department_id} {self.kind} {self.tenths / 10} h: {self.clocks}"


# The reasons services record in code words when they stop, pause or cancel a
# clock (responses/services.py, supervision/services.py); any other reason is
# a person's own words and is shown as written.
CLOCK_REASONS = {
    "re-dispatched": _("re-dispatched to another department"),
    "returned": _("returned to the routing centre"),
    "rejected": _("the case was rejected"),
    "merged": _("merged into an earlier case"),
    "withdrawn": _("withdrawn by the citizen"),
    "waiting for the citizen's material": _("waiting for the citizen's material"),
    "closed": _("the order was closed"),
    "window ended": _("the feedback window ended"),
}


class ClockEvent(models.Model):
    """The append-only, hash-chained history of a clock. Each entry holds a
    snapshot of the clock after the change and the hash of the entry before
    it, so `manage.py verify_supervision` can name any clock or entry that
    was altered outside the application.

    Every event of every clock is also an entry of the supervision ledger
    (supervision/ledger.py): one gapless sequence, each entry chained to the
    one before, whose head is checkpointed and published every day."""

    class Action(models.TextChoices):
        STARTED = "started", _("started")
        PAUSED = "paused", _("paused")
        RESUMED = "resumed", _("resumed")
        REMINDED = "reminded", _("reminder sent (催办)")
        BREACHED = "breached", _("breached")
        ESCALATED = "escalated", _("second-level notice (通报)")
        EXTENDED = "extended", _("extended")
        CORRECTED = "corrected", _("corrected by an administrator")
        STOPPED = "stopped", _("stopped")
        CANCELLED = "cancelled", _("cancelled")

    # Indexed by unique_clock_event_sequence (clock first).
    clock = models.ForeignKey(SupervisionClock, on_delete=models.CASCADE, related_name="events", db_index=False)
    sequence = models.PositiveIntegerField()
    action = models.CharField(max_length=20, choices=Action.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    snapshot = models.JSONField()
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    ledger_sequence = models.PositiveBigIntegerField(unique=True)
    ledger_previous = models.CharField(max_length=64)
    ledger_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("clock event")
        verbose_name_plural = _("clock events")
        ordering = ["clock", "sequence"]
        constraints = [models.UniqueConstraint(fields=["clock", "sequence"], name="unique_clock_event_sequence")]

    def __str__(self) -> str:
        return f"{self.clock_id}#{self.sequence} {self.action}"

    @property
    def reason_label(self) -> str:
        return str(CLOCK_REASONS.get(self.reason, self.reason))


class LedgerHead(models.Model):
    """The supervision ledger's last entry: one row, locked by each
    transaction that appends to the ledger (supervision/ledger.py)."""

    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("ledger head")
        verbose_name_plural = _("ledger head")

    def __str__(self) -> str:
        return f"{self.sequence}:{self.hash}"


class LedgerCheckpoint(models.Model):
    """The ledger's head as it was once a day, signed (when a key is
    configured) with a key kept outside the database, and published as open
    data: whoever saved one can later check the ledger still extends it."""

    day = models.DateField(_("day"), unique=True)
    taken_at = models.DateTimeField(_("taken at"))
    sequence = models.PositiveBigIntegerField(_("ledger entry"))
    hash = models.CharField(_("hash"), max_length=64)
    # Ed25519, base64: the signature of supervision.ledger.checkpoint_text,
    # and the signer's public key (DER SubjectPublicKeyInfo, a PEM's body).
    signature = models.CharField(_("signature"), max_length=100, blank=True)
    public_key = models.CharField(_("public key"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("ledger checkpoint")
        verbose_name_plural = _("ledger checkpoints")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day} {self.sequence}:{self.hash}"


class Extension(models.Model):
    """An official asks for more time before the due time; a supervisor
    approves or refuses."""

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    clock = models.ForeignKey(SupervisionClock, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    reason = models.TextField(_("reason"), max_length=2000)
    requested_due_at = models.DateTimeField(_("new due time asked for"))
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("supervisor's note"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["requested_at", "id"]
        indexes = [models.Index(fields=["state", "requested_at"], name="extension_pending_idx")]

    def __str__(self) -> str:
        return f"{self.clock_id}: {self.get_state_display()}"


class SupervisionOrder(models.Model):
    """督办: a supervisor's instructions to the department on a case, with
    its own deadline (its own clock)."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        ANSWERED = "answered", _("answered")
        CLOSED = "closed", _("closed")

    case = models.ForeignKey("petitions.Case", on_delete=models.CASCADE, related_name="supervision_orders")
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="+")
    issued_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()
    instructions = models.TextField(_("instructions"), max_length=5000)
    due_at = models.DateTimeField(_("answer due"))
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    response = models.TextField(_("the department's answer"), max_length=5000, blank=True)
    responded_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    responded_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("supervision order")
        verbose_name_plural = _("supervision orders")
        ordering = ["issued_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.instructions[:40]}"


class Feedback(models.Model):
    """The citizen's rating of a reply, within the feedback window."""

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("satisfied")
        BASICALLY_SATISFIED = "basically_satisfied", _("basically satisfied")
        UNSATISFIED = "unsatisfied", _("unsatisfied")

    case = models.ForeignKey("petitions.Case", on_delete=models.CASCADE, related_name="feedback")
    reply = models.ForeignKey("responses.Reply", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="+")
    resolved = models.BooleanField(_("the problem was resolved"))
    satisfaction = models.CharField(_("satisfaction"), max_length=20, choices=Satisfaction.choices)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    reopened = models.BooleanField(_("the citizen asked for re-handling"), default=False)
    given_at = models.DateTimeField()
    # An operator's return visit (回访) records feedback for phone cases.
    recorded_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["given_at", "id"]
        indexes = [models.Index(fields=["department", "given_at"], name="feedback_department_idx")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_satisfaction_display()}"


class ExportJob(models.Model):
    """A large export written in the background, with its progress."""

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting to start")
        RUNNING = "running", _("being written")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    requested_by = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    parameters = models.JSONField()
    format = models.CharField(max_length=4, choices=[("csv", "CSV"), ("xlsx", "XLSX")])
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/", blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return f"{self.pk} {self.format} {self.state}"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if self.state == self.State.DONE else 0)
