"""Petitions that gather co-signatures, the signatures themselves, what
supervisors do about floods, and surge alerts.

Every threshold and period is a database value with DOMAIN.md's default:
the site-wide settings rows below, copied onto each petition when it opens
(so an administrator can change one petition without changing the rest)."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.compiled_query import CompiledQuery

RATE_PATTERN = re.compile(r"^\d+/\d*[smhd]$")


def validate_rate(value: str) -> None:
    """django-ratelimit's rate syntax: how many, per how long (e.g. 20/h, 5/10m)."""
    if not RATE_PATTERN.match(value or ""):
        raise ValidationError(_("Write a rate as a number, a slash and a period: 20/h, 5/10m, 100/d."))


class SingletonSettings(models.Model):
    """One row (pk=1) an administrator edits; its defaults apply when the row
    is missing (a flushed test database, a fresh install before migrating)."""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        """The row, read by SQL compiled once per process (read on every
        signature and confirmation: portal.compiled_query)."""
        query = _SETTINGS_ROW.get(cls)
        if query is None:
            query = _SETTINGS_ROW[cls] = CompiledQuery(lambda: cls.objects.filter(pk=1))
        return query.first() or cls(pk=1)


_SETTINGS_ROW: dict = {}


class PetitionSettings(SingletonSettings):
    """Defaults for new petitions and the flood limits of the public forms."""

    # DOMAIN.md: thresholds 1,000 (formal response) and 10,000 (hearing).
    response_threshold = models.PositiveIntegerField(
        _("signatures that oblige a formal response"), default=1000, validators=[MinValueValidator(1)])
    hearing_threshold = models.PositiveIntegerField(
        _("signatures that escalate to the supervisors for a hearing"), default=10000,
        validators=[MinValueValidator(1)])
    # DOMAIN.md leaves the period open; six months is the UK Parliament's.
    signing_days = models.PositiveIntegerField(_("days a petition is open for signing"), default=180,
                                               validators=[MinValueValidator(1)])
    confirmation_valid_hours = models.PositiveIntegerField(
        _("hours a confirmation link stays valid"), default=72, validators=[MinValueValidator(1)])
    response_batch_size = models.PositiveIntegerField(
        _("signers e-mailed per task when the response arrives"), default=500, validators=[MinValueValidator(1)])
    # Flood limits, shared by every web process through the cache.
    sign_rate_per_address = models.CharField(
        _("signatures per client address"), max_length=20, default="20/h", validators=[validate_rate])
    sign_rate_per_domain = models.CharField(
        _("signatures per e-mail domain"), max_length=20, default="200/h", validators=[validate_rate])
    submit_rate_per_address = models.CharField(
        _("cases submitted per client address"), max_length=20, default="10/h", validators=[validate_rate])
    submit_rate_per_domain = models.CharField(
        _("cases submitted per e-mail domain"), max_length=20, default="100/h", validators=[validate_rate])
    # A large mail provider is shared by a city's worth of honest people, so a
    # per-domain limit there would stop a popular petition; the per-address
    # limit still applies to them.
    unlimited_domains = models.TextField(
        _("e-mail domains without a per-domain limit"), blank=True,
        default="qq.com, 163.com, 126.com, yeah.net, sina.com, sohu.com, foxmail.com, aliyun.com, 139.com, "
                "gmail.com, outlook.com, hotmail.com, live.com, yahoo.com, icloud.com",
        help_text=_("Separated by commas or new lines."))

    class Meta:
        verbose_name = _("petition settings")
        verbose_name_plural = _("petition settings")

    def unlimited_domain_set(self) -> frozenset[str]:
        """The domains as signatures record them (IDNA, lower case), so
        例子.中国 here matches xn--fsqu00a.xn--fiqs8s there."""
        from signatures.normalise import InvalidAddress, normalise_domain

        domains = set()
        for part in self.unlimited_domains.replace("\n", ",").replace("，", ",").split(","):
            try:
                domains.add(normalise_domain(part))
            except InvalidAddress:
                continue  # an empty or unreadable entry exempts nothing
        return frozenset(domains)


class SurgeSettings(SingletonSettings):
    """The surge rule (see signatures/surges.py): a category's or region's
    cases in the last `window_hours` are flagged when they reach
    max(min_cases, factor × baseline mean + sigmas × baseline standard
    deviation), the baseline being the same window on each of the previous
    `baseline_days` days."""

    window_hours = models.PositiveIntegerField(_("window (hours)"), default=3, validators=[MinValueValidator(1)])
    baseline_days = models.PositiveIntegerField(_("baseline (days before)"), default=14,
                                                validators=[MinValueValidator(1)])
    min_cases = models.PositiveIntegerField(_("fewest cases that can make a surge"), default=5,
                                            validators=[MinValueValidator(1)])
    factor = models.FloatField(_("times the usual level"), default=3.0, validators=[MinValueValidator(1.0)])
    sigmas = models.FloatField(_("plus this many standard deviations"), default=3.0,
                               validators=[MinValueValidator(0.0)])

    class Meta:
        verbose_name = _("surge alert settings")
        verbose_name_plural = _("surge alert settings")


class Petition(models.Model):
    """A public case of kind petition, open for co-signing. Its thresholds
    and closing time are copied from the settings when it opens."""

    case = models.OneToOneField("petitions.Case", on_delete=models.CASCADE, related_name="petition")
    opened_at = models.DateTimeField(_("opened for signing"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    closes_at = models.DateTimeField(_("signing closes"))
    response_threshold = models.PositiveIntegerField(_("signatures that oblige a formal response"),
                                                     validators=[MinValueValidator(1)])
    hearing_threshold = models.PositiveIntegerField(_("signatures that escalate for a hearing"),
                                                    validators=[MinValueValidator(1)])
    # Confirmed, valid signatures. Changed only by F() updates under the
    # petition's row lock (signatures/services.py), so it stays exact under
    # any number of concurrent confirmations and invalidations.
    confirmed_count = models.PositiveIntegerField(_("confirmed signatures"), default=0)
    # Each set once, by a conditional update, so each crossing acts once.
    response_threshold_reached_at = models.DateTimeField(null=True, blank=True)
    hearing_threshold_reached_at = models.DateTimeField(null=True, blank=True)
    # The department's formal response: the case's published reply.
    response_reply = models.ForeignKey("responses.Reply", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    response_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        indexes = [
            # The public list (open petitions, newest first) and the sweeper.
            models.Index(fields=["closes_at", "-opened_at"], name="petition_open_idx"),
            models.Index(fields=["-opened_at", "-id"], name="petition_list_idx"),
            models.Index(fields=["case"], condition=Q(response_recorded_at=None), name="petition_no_response_idx"),
        ]

    def __str__(self) -> str:
        return str(self.case)

    def is_open(self, now=None) -> bool:
        return self.opened_at <= (now or timezone.now()) < self.closes_at


class SignatureInvalidation(models.Model):
    """A supervisor's bulk invalidation and the criteria it used."""

    performed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    performed_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(_("reason"), max_length=2000)
    petition = models.ForeignKey(Petition, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    ip_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    email_domain = models.CharField(_("e-mail domain"), max_length=253, blank=True)
    signed_from = models.DateTimeField(_("signed from"), null=True, blank=True)
    signed_until = models.DateTimeField(_("signed until"), null=True, blank=True)
    invalidated = models.PositiveIntegerField(_("signatures invalidated"), default=0)
    confirmed_removed = models.PositiveIntegerField(_("confirmed signatures removed from counts"), default=0)

    class Meta:
        verbose_name = _("invalidation of signatures")
        verbose_name_plural = _("invalidations of signatures")
        ordering = ["-performed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.performed_at:%Y-%m-%d %H:%M} ({self.invalidated})"


class Signature(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="signatures")
    name = models.CharField(_("name"), max_length=100)
    # As typed, for sending; the normalised form is what makes one mailbox sign once.
    email = models.EmailField(_("e-mail address"), max_length=254)
    email_normalised = models.CharField(max_length=254)
    email_domain = models.CharField(max_length=253)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    language = models.CharField(max_length=10, default="zh-hans")
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    invalidated_at = models.DateTimeField(null=True, blank=True)
    invalidation = models.ForeignKey(SignatureInvalidation, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="signatures")
    # Claimed before the response e-mail is sent, released if sending fails.
    response_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(fields=["petition", "email_normalised"], name="one_signature_per_mailbox"),
        ]
        indexes = [
            # The supervisors' bulk invalidation filters, each with the time range.
            models.Index(fields=["ip_address", "created_at"], name="signature_ip_idx"),
            models.Index(fields=["email_domain", "created_at"], name="signature_domain_idx"),
            models.Index(fields=["created_at"], name="signature_time_idx"),
            models.Index(fields=["petition", "created_at"], name="signature_petition_time_idx"),
            # Signers still to be sent the response, in id order for batching.
            models.Index(fields=["petition", "id"], name="signature_response_todo_idx",
                         condition=Q(response_sent_at=None, invalidated_at=None, confirmed_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.petition_id}: {self.name}"

    @property
    def is_counted(self) -> bool:
        return self.confirmed_at is not None and self.invalidated_at is None


class PetitionHearing(models.Model):
    """The escalation to the supervisors when a petition crosses its second
    threshold: the record that a hearing is owed, and what became of it."""

    petition = models.OneToOneField(Petition, on_delete=models.CASCADE, related_name="hearing")
    escalated_at = models.DateTimeField(_("escalated"))
    signatures_at_escalation = models.PositiveIntegerField(_("signatures when escalated"))
    held_at = models.DateTimeField(_("hearing held"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), max_length=5000, blank=True)

    class Meta:
        verbose_name = _("petition hearing")
        verbose_name_plural = _("petition hearings")
        ordering = ["-escalated_at"]

    def __str__(self) -> str:
        return f"{self.petition}: {self.escalated_at:%Y-%m-%d}"


class SurgeAlert(models.Model):
    """A sudden rise of cases in one category or region within one window."""

    class Dimension(models.TextChoices):
        CATEGORY = "category", _("category")
        REGION = "region", _("region")

    class State(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    dimension = models.CharField(_("grouped by"), max_length=10, choices=Dimension.choices)
    category = models.ForeignKey("petitions.Category", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    region = models.ForeignKey("petitions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    window_start = models.DateTimeField(_("window start"))
    window_end = models.DateTimeField(_("window end"))
    case_count = models.PositiveIntegerField(_("cases in the window"))
    baseline_mean = models.FloatField(_("usual cases in such a window"))
    baseline_stdev = models.FloatField(_("standard deviation"))
    threshold = models.FloatField(_("alert threshold"))
    created_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    cases = models.ManyToManyField("petitions.Case", through="SurgeAlertCase", related_name="+")

    class Meta:
        verbose_name = _("surge alert")
        verbose_name_plural = _("surge alerts")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Once per window per category or region, however often the task runs.
            models.UniqueConstraint(fields=["category", "window_end"], condition=Q(dimension="category"),
                                    name="surge_once_per_category_window"),
            models.UniqueConstraint(fields=["region", "window_end"], condition=Q(dimension="region"),
                                    name="surge_once_per_region_window"),
        ]
        indexes = [
            models.Index(fields=["-created_at"], condition=Q(state="open"), name="surge_open_idx"),
            models.Index(fields=["dimension", "category", "region", "-window_end"], name="surge_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.window_start:%Y-%m-%d %H:%M}"

    @property
    def subject(self):
        return self.category if self.dimension == self.Dimension.CATEGORY else self.region


class SurgeAlertCase(models.Model):
    alert = models.ForeignKey(SurgeAlert, on_delete=models.CASCADE, related_name="alert_cases")
    case = models.ForeignKey("petitions.Case", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alert", "case"], name="unique_surge_alert_case")]

    def __str__(self) -> str:
        return f"{self.alert_id}: {self.case_id}"
