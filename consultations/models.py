"""Consultations on draft decisions (征求意见): a department's draft in
numbered sections, published for a comment window; citizens' comments,
grouped into campaigns; and the feedback report (意见采纳情况) on what was
adopted and why."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from signatures.models import SingletonSettings, validate_rate

DEFAULT_WINDOW_DAYS = 30


class ConsultationState(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    REPORTED = "reported", _("feedback report published")


class Phase(models.TextChoices):
    """What the public sees: the stored state read against the window."""

    DRAFT = "draft", _("draft")
    SCHEDULED = "scheduled", _("opening soon")
    OPEN = "open", _("open for comments")
    CLOSED = "closed", _("comment window closed")
    REPORTED = "reported", _("feedback report published")


class WhoMayComment(models.TextChoices):
    SIGNED_IN = "signed_in", _("any signed-in citizen")
    CONFIRMED = "confirmed", _("only citizens with a confirmed e-mail address")


class Consultation(models.Model):
    department = models.ForeignKey("accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="consultations")
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=5000, blank=True)
    topic = models.ForeignKey("petitions.Category", verbose_name=_("topic"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    opens_at = models.DateTimeField(_("comments open"), null=True, blank=True)
    closes_at = models.DateTimeField(_("comments close"), null=True, blank=True)
    # Shown publicly when the window is shorter than the default.
    short_window_reason = models.TextField(_("reason for a shorter window"), max_length=2000, blank=True)
    who_may_comment = models.CharField(_("who may comment"), max_length=10, choices=WhoMayComment.choices,
                                       default=WhoMayComment.CONFIRMED)
    comments_public = models.BooleanField(_("publish comments after moderation"), default=True)
    state = models.CharField(_("state"), max_length=10, choices=ConsultationState.choices,
                             default=ConsultationState.DRAFT)
    version = models.PositiveIntegerField(_("published version"), default=0)
    published_at = models.DateTimeField(_("time published"), null=True, blank=True)
    # Claimed once when the window has ended: the report clock starts then.
    closed_at = models.DateTimeField(_("time the window closed"), null=True, blank=True)
    report_summary = models.TextField(_("overall summary of the feedback"), max_length=10000, blank=True)
    report_published_at = models.DateTimeField(_("time the report was published"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("time created"), default=timezone.now)

    history = HistoricalRecords(excluded_fields=["created_at"], no_db_index=["department", "topic", "created_by"])

    class Meta:
        verbose_name = _("consultation on a draft")
        verbose_name_plural = _("consultations on drafts")
        indexes = [
            models.Index(fields=["state", "opens_at"], name="consultation_list_idx"),
            models.Index(fields=["state", "closes_at"], name="consultation_closing_idx"),
            models.Index(fields=["department", "state"], name="consultation_dept_idx"),
            models.Index(fields=["topic", "state"], name="consultation_topic_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def phase_at(self, now: datetime.datetime) -> str:
        if self.state == ConsultationState.DRAFT:
            return Phase.DRAFT
        if self.state == ConsultationState.REPORTED:
            return Phase.REPORTED
        if now < self.opens_at:
            return Phase.SCHEDULED
        return Phase.OPEN if now < self.closes_at else Phase.CLOSED

    @property
    def phase(self) -> str:
        return self.phase_at(timezone.now())

    def get_phase_display(self) -> str:
        return Phase(self.phase).label

    @property
    def days_left(self) -> int:
        return max(0, (self.closes_at - timezone.now()).days) if self.closes_at else 0

    @property
    def is_short_window(self) -> bool:
        return bool(self.opens_at and self.closes_at
                    and self.closes_at - self.opens_at < datetime.timedelta(days=DEFAULT_WINDOW_DAYS))


class DraftSection(models.Model):
    """One numbered part of the draft (a chapter or an article). Editable
    while the consultation is a draft; once published a change is a new
    DraftVersion."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="sections",
                                     db_index=False)
    number = models.PositiveIntegerField(_("number"))
    heading = models.CharField(_("heading"), max_length=200, blank=True)
    text = models.TextField(_("text"), max_length=20000)

    history = HistoricalRecords(no_db_index=["consultation"])

    class Meta:
        verbose_name = _("draft section")
        verbose_name_plural = _("draft sections")
        ordering = ["consultation", "number"]
        constraints = [models.UniqueConstraint(fields=["consultation", "number"], name="draft_section_number")]

    def __str__(self) -> str:
        return self.heading or str(self.number)


class DraftVersion(models.Model):
    """A published text of the draft, kept whole: a correction after
    publication is a new version with its reason, never a silent edit."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="versions",
                                     db_index=False)
    number = models.PositiveIntegerField(_("version"))
    sections = models.JSONField(_("sections as published"))
    reason = models.TextField(_("reason for the correction"), max_length=2000, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    published_at = models.DateTimeField(_("time published"), default=timezone.now)

    history = HistoricalRecords(no_db_index=["consultation", "published_by"])

    class Meta:
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        ordering = ["consultation", "number"]
        constraints = [models.UniqueConstraint(fields=["consultation", "number"], name="draft_version_number")]

    def __str__(self) -> str:
        return f"{self.consultation_id} v{self.number}"


class Document(models.Model):
    """A supporting document (an explanation of the draft, a study): PDF."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="consultations/%Y/%m/")
    size = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords(no_db_index=["consultation"])

    class Meta:
        verbose_name = _("supporting document")
        verbose_name_plural = _("supporting documents")

    def __str__(self) -> str:
        return self.title


class CommentGroup(models.Model):
    """Comments with the same or nearly the same text (a campaign): the
    department reads and answers each group once."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="groups",
                                     db_index=False)
    fingerprint = models.CharField(max_length=64)
    simhash = models.BigIntegerField()
    representative = models.ForeignKey("Comment", null=True, on_delete=models.SET_NULL, related_name="+")
    size = models.PositiveIntegerField(_("comments"), default=0)
    # The SimHash cut into grouping.BANDS bands (grouping.bands), each indexed
    # with the consultation: a new comment is compared only with the groups
    # that share a band with it, not with every group.
    band_0 = models.IntegerField(default=0)
    band_1 = models.IntegerField(default=0)
    band_2 = models.IntegerField(default=0)
    band_3 = models.IntegerField(default=0)
    band_4 = models.IntegerField(default=0)
    band_5 = models.IntegerField(default=0)
    band_6 = models.IntegerField(default=0)

    BAND_FIELDS = [f"band_{index}" for index in range(7)]

    class Meta:
        verbose_name = _("comment group")
        verbose_name_plural = _("comment groups")
        indexes = [
            models.Index(fields=["consultation", "fingerprint"], name="comment_group_fp_idx"),
            *(models.Index(fields=["consultation", f"band_{index}"], name=f"comment_group_band{index}_idx")
              for index in range(7)),
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id}/{self.pk} ({self.size})"


class Stance(models.TextChoices):
    NONE = "", _("no stance")
    SUPPORT = "support", _("support")
    OPPOSE = "oppose", _("oppose")


class ModerationState(models.TextChoices):
    PENDING = "pending", _("awaiting moderation")
    PUBLISHED = "published", _("published")
    REJECTED = "rejected", _("not published")


class CommentInvalidation(models.Model):
    """A supervisor's bulk invalidation of a comment flood: who, when, why,
    and the criteria it used."""

    performed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    performed_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(_("reason"), max_length=2000)
    consultation = models.ForeignKey(Consultation, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    ip_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    submitted_from = models.DateTimeField(_("submitted from"), null=True, blank=True)
    submitted_until = models.DateTimeField(_("submitted until"), null=True, blank=True)
    invalidated = models.PositiveIntegerField(_("comments invalidated"), default=0)

    class Meta:
        verbose_name = _("invalidation of comments")
        verbose_name_plural = _("invalidations of comments")
        ordering = ["-performed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.performed_at:%Y-%m-%d %H:%M} ({self.invalidated})"


class Comment(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="comments",
                                     db_index=False)
    section = models.ForeignKey(DraftSection, verbose_name=_("section"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="consultation_comments", db_index=False)
    quote = models.TextField(_("quoted passage"), max_length=2000, blank=True)
    stance = models.CharField(_("stance"), max_length=10, choices=Stance.choices, blank=True, default="")
    body = models.TextField(_("comment"), max_length=5000)
    # What the public reads when published: the moderator may take out
    # personal data; the author's own text stays in `body`.
    public_body = models.TextField(_("published text"), max_length=5000, blank=True)
    moderation = models.CharField(_("moderation"), max_length=10, choices=ModerationState.choices,
                                  default=ModerationState.PENDING)
    rejection_reason = models.ForeignKey("publication.PublicationRejectionReason", verbose_name=_("reason"),
                                         null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    group = models.ForeignKey(CommentGroup, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="comments")
    fingerprint = models.CharField(max_length=64, blank=True)
    submitted_at = models.DateTimeField(_("time submitted"), default=timezone.now)
    edited_at = models.DateTimeField(_("time edited"), null=True, blank=True)
    # Where it came from, for the flood limits' bulk invalidation.
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # Set by a supervisor's bulk invalidation: counted, listed and grouped nowhere.
    invalidated_at = models.DateTimeField(null=True, blank=True)
    invalidation = models.ForeignKey(CommentInvalidation, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="comments", db_index=False)

    history = HistoricalRecords(no_db_index=["consultation", "section", "author", "rejection_reason",
                                             "moderated_by", "group", "invalidation"])

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            models.Index(fields=["consultation", "moderation", "section"], name="comment_list_idx"),
            models.Index(fields=["author", "submitted_at"], name="comment_author_idx"),
            models.Index(fields=["consultation", "group"], name="comment_group_idx"),
            # The published comments of a consultation, and of one section, in order.
            models.Index(fields=["consultation", "moderation", "submitted_at"], name="comment_public_idx",
                         condition=Q(invalidated_at=None)),
            models.Index(fields=["section", "moderation", "submitted_at"], name="comment_section_idx",
                         condition=Q(invalidated_at=None)),
            # Comments still to be put in a campaign, oldest first (the batch grouping).
            models.Index(fields=["consultation", "id"], name="comment_ungrouped_idx",
                         condition=Q(group=None, invalidated_at=None)),
            # The supervisors' bulk invalidation filters, each with the time range.
            models.Index(fields=["ip_address", "submitted_at"], name="comment_ip_idx"),
            models.Index(fields=["consultation", "submitted_at"], name="comment_time_idx"),
        ]

    def __str__(self) -> str:
        return self.body[:80]


class Adoption(models.TextChoices):
    ADOPTED = "adopted", _("adopted")
    PARTLY = "partly", _("partly adopted")
    NOT_ADOPTED = "not_adopted", _("not adopted")


class FeedbackItem(models.Model):
    """The department's answer, in the report, to one section's comments or
    to one group of comments."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="feedback",
                                     db_index=False)
    section = models.ForeignKey(DraftSection, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(CommentGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(_("decision"), max_length=12, choices=Adoption.choices)
    reason = models.TextField(_("reason"), max_length=5000)

    history = HistoricalRecords(no_db_index=["consultation", "section", "group"])

    class Meta:
        verbose_name = _("feedback item")
        verbose_name_plural = _("feedback items")
        constraints = [
            models.UniqueConstraint(fields=["consultation", "section"], condition=Q(section__isnull=False),
                                    name="feedback_once_per_section"),
            models.UniqueConstraint(fields=["consultation", "group"], condition=Q(group__isnull=False),
                                    name="feedback_once_per_group"),
            models.CheckConstraint(condition=Q(section__isnull=True) ^ Q(group__isnull=True),
                                   name="feedback_section_or_group"),
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id}: {self.decision}"


class ConsultationSettings(SingletonSettings):
    """The flood limits of commenting, counted in the shared cache like the
    signatures' (signatures.throttle), and editable by administrators."""

    comment_rate_per_address = models.CharField(
        _("comments per client address"), max_length=20, default="30/h", validators=[validate_rate])
    comment_rate_per_domain = models.CharField(
        _("comments per e-mail domain of the commenters"), max_length=20, default="300/h",
        validators=[validate_rate])

    class Meta:
        verbose_name = _("consultation settings")
        verbose_name_plural = _("consultation settings")


# Hearings and comment exports live in their own modules; imported here so
# Django registers them with this app.
from consultations.exports.models import CommentExport  # noqa: E402, F401
from consultations.hearings.models import ApplicationState, Hearing, HearingApplication  # noqa: E402, F401
