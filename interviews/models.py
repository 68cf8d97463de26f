"""Live interviews (在线访谈): a scheduled session with a department's head
or spokesperson, the citizens' questions and their screening, the answers
and statements posted live, and the cases the unanswered questions become."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class InterviewState(models.TextChoices):
    SCHEDULED = "scheduled", _("upcoming")
    LIVE = "live", _("live now")
    CLOSED = "closed", _("held")


class Interview(models.Model):
    title = models.CharField(_("topic"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    department = models.ForeignKey("accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="interviews")
    guests = models.TextField(_("guests"), max_length=1000,
                              help_text=_("Names and posts of the guests, one a line."))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    stream_url = models.URLField(_("video or audio stream"), blank=True,
                                 help_text=_("Where the stream is hosted; the portal only links to it."))
    # What an unanswered question becomes: a consultation in this category
    # and region, routed by the rules like any case.
    category = models.ForeignKey("petitions.Category", verbose_name=_("category of the cases"),
                                 on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("petitions.Region", verbose_name=_("region of the cases"),
                               on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=InterviewState.choices,
                             default=InterviewState.SCHEDULED)
    started_at = models.DateTimeField(_("time started"), null=True, blank=True)
    closed_at = models.DateTimeField(_("time closed"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("time created"), default=timezone.now)

    history = HistoricalRecords(excluded_fields=["created_at"], no_db_index=["department", "category", "region",
                                                                           "created_by"])

    class Meta:
        verbose_name = _("live interview")
        verbose_name_plural = _("live interviews")
        indexes = [
            models.Index(fields=["state", "starts_at"], name="interview_list_idx"),
            models.Index(fields=["closed_at"], condition=Q(closed_at__isnull=False), name="interview_closed_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class QuestionState(models.TextChoices):
    # Asked by e-mail without an account: nobody screens or counts it until
    # the asker opens the link e-mailed to them.
    UNCONFIRMED = "unconfirmed", _("awaiting e-mail confirmation")
    PENDING = "pending", _("awaiting screening")
    PUBLISHED = "published", _("published")
    MERGED = "merged", _("merged into a similar question")
    REJECTED = "rejected", _("rejected")


class Question(models.Model):
    # Both indexed by the indexes below that start with them.
    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="questions", db_index=False)
    # A signed-in asker, or (without an account) the e-mail address they
    # confirmed by the link sent to it; the case an unanswered question
    # becomes is then followed by tracking number and this address.
    asker = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="interview_questions", db_index=False)
    asker_email = models.EmailField(_("e-mail address"), blank=True)
    # One mailbox, one count (signatures.normalise): the per-person limit.
    asker_email_normalised = models.CharField(max_length=254, blank=True)
    asker_name = models.CharField(_("name"), max_length=100, blank=True)
    confirmed_at = models.DateTimeField(_("time the e-mail address was confirmed"), null=True, blank=True)
    # What the public reads once published: the moderator may shorten it
    # or take out personal data (the asker's own text stays in `original`).
    body = models.TextField(_("question"), max_length=2000)
    original = models.TextField(_("question as asked"), max_length=2000)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    state = models.CharField(_("state"), max_length=12, choices=QuestionState.choices,
                             default=QuestionState.PENDING)
    merged_into = models.ForeignKey("self", verbose_name=_("merged into"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="merged")
    rejection_reason = models.ForeignKey("publication.PublicationRejectionReason", verbose_name=_("reason"),
                                         null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rejection_note = models.TextField(_("explanation"), max_length=2000, blank=True)
    screened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    screened_at = models.DateTimeField(_("time screened"), null=True, blank=True)
    support_count = models.PositiveIntegerField(_("supporters"), default=0)
    submitted_at = models.DateTimeField(_("time asked"), default=timezone.now)
    answered_at = models.DateTimeField(_("time answered"), null=True, blank=True)
    # The case an unanswered question became when the interview closed.
    case = models.OneToOneField("petitions.Case", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="interview_question")

    history = HistoricalRecords(
        excluded_fields=["support_count"],
        no_db_index=["interview", "asker", "merged_into", "rejection_reason", "screened_by", "case"],
    )

    class Meta:
        verbose_name = _("interview question")
        verbose_name_plural = _("interview questions")
        indexes = [
            models.Index(fields=["interview", "state", "-support_count"], name="question_list_idx"),
            models.Index(fields=["asker", "interview"], name="question_asker_idx"),
            models.Index(fields=["asker_email_normalised", "interview"], condition=Q(asker__isnull=True),
                         name="question_email_idx"),
            models.Index(fields=["submitted_at"], name="question_submitted_idx"),
            models.Index(fields=["answered_at"], condition=Q(answered_at__isnull=False),
                         name="question_answered_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(asker__isnull=False) | ~Q(asker_email_normalised=""),
                                   name="question_has_asker"),
        ]

    def __str__(self) -> str:
        return self.body[:80]


class QuestionSupport(models.Model):
    """One person's support (upvote) of a published question: once each."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="supports", db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["question", "user"], name="question_support_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.question_id}"


class Answer(models.Model):
    """What the host posts live: an answer to a chosen question, or a
    statement (no question)."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="answers", db_index=False)
    question = models.ForeignKey(Question, null=True, blank=True, on_delete=models.PROTECT, related_name="answers")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    speaker = models.CharField(_("speaker"), max_length=200, blank=True,
                               help_text=_("Who speaks, as the public should read it (a guest's name and post)."))
    body = models.TextField(_("text"), max_length=10000)
    posted_at = models.DateTimeField(_("time posted"), default=timezone.now)

    history = HistoricalRecords(no_db_index=["interview", "question", "author"])

    class Meta:
        verbose_name = _("interview answer")
        verbose_name_plural = _("interview answers")
        indexes = [models.Index(fields=["interview", "posted_at"], name="answer_stream_idx")]

    def __str__(self) -> str:
        return self.body[:80]
