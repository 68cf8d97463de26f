"""The public side of a case: the moderator's decision, the redacted texts
the public reads, and the search document built from them. A case is public
only when its author agreed and a moderator approved it; the list's filters
are copied here so each is served by an index of this table alone."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from petitions.models import Kind
from portal.bilingual import BilingualNameModel
from publication.search import SearchDocumentField


class PublicationState(models.TextChoices):
    PENDING = "pending", _("awaiting moderation")
    PUBLISHED = "published", _("published")
    REJECTED = "rejected", _("publication refused")


class PublicStatus(models.TextChoices):
    AWAITING = "awaiting", _("awaiting an answer")
    ANSWERED = "answered", _("answered")


class PublicationRejectionReason(BilingualNameModel):
    """The editable list of reasons a moderator may refuse publication for."""

    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("reason for refusing publication")
        verbose_name_plural = _("reasons for refusing publication")
        ordering = ["order", "id"]


PUBLISHED = Q(state=PublicationState.PUBLISHED)


class Publication(models.Model):
    case = models.OneToOneField("petitions.Case", on_delete=models.CASCADE, related_name="publication")
    state = models.CharField(_("state"), max_length=10, choices=PublicationState.choices,
                             default=PublicationState.PENDING)
    # The author's choice; by default the public reads "a citizen".
    show_author_name = models.BooleanField(_("show the author's name"), default=False)

    # What the public reads: the moderator's (possibly redacted) copies.
    title = models.CharField(_("public title"), max_length=120, blank=True)
    body = models.TextField(_("public details"), max_length=5000, blank=True)
    answer = models.TextField(_("public answer"), max_length=10000, blank=True)
    redacted = models.BooleanField(_("personal data removed"), default=False)
    # The reply whose text `answer` is, so a later reply (after re-handling)
    # comes back to the moderators before the public reads it.
    answer_reply = models.ForeignKey("responses.Reply", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    # Copied from the case at each decision, for the public list's filters.
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    category = models.ForeignKey("petitions.Category", verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="+")
    region = models.ForeignKey("petitions.Region", verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="+")
    department = models.ForeignKey("accounts.Department", verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="publications")
    public_status = models.CharField(_("status"), max_length=10, choices=PublicStatus.choices,
                                     default=PublicStatus.AWAITING)
    submitted_at = models.DateTimeField(_("time submitted"))
    answered_at = models.DateTimeField(_("time answered"), null=True, blank=True)
    published_at = models.DateTimeField(_("time published"), null=True, blank=True)

    rejection_reason = models.ForeignKey(PublicationRejectionReason, verbose_name=_("reason"), null=True,
                                         blank=True, on_delete=models.PROTECT)
    rejection_note = models.TextField(_("explanation"), max_length=2000, blank=True)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    moderated_at = models.DateTimeField(_("time moderated"), null=True, blank=True)
    # A reply was published after the moderator's last decision: set when
    # such a reply is saved (publication.services.answer_published), cleared
    # by the next decision. The answers to review are read from these rows.
    answer_to_review = models.BooleanField(default=False, db_default=False, editable=False)

    # Where the public sees the case: its point rounded to
    # MAP_PUBLIC_PRECISION_METRES, or exact if the moderator approved that
    # (places.services.public_point), and the map's grid cell of it.
    latitude = models.DecimalField(_("public latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("public longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    exact_location = models.BooleanField(_("show the exact place"), default=False)
    map_cell = models.BigIntegerField(null=True, blank=True, editable=False)

    search_document = SearchDocumentField(blank=True, default="", editable=False)

    # Every decision, who made it and when (history_user, history_date).
    history = HistoricalRecords(excluded_fields=["search_document", "answer_to_review"])

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        indexes = [
            # The public list, newest first, and one index per filter it offers.
            models.Index(fields=["-published_at", "-id"], condition=PUBLISHED, name="pub_list_idx"),
            models.Index(fields=["category", "-published_at"], condition=PUBLISHED, name="pub_category_idx"),
            models.Index(fields=["region", "-published_at"], condition=PUBLISHED, name="pub_region_idx"),
            models.Index(fields=["department", "-published_at"], condition=PUBLISHED, name="pub_department_idx"),
            models.Index(fields=["kind", "-published_at"], condition=PUBLISHED, name="pub_kind_idx"),
            models.Index(fields=["public_status", "-published_at"], condition=PUBLISHED, name="pub_status_idx"),
            # A department's recently answered cases (its scorecard).
            models.Index(fields=["department", "-answered_at"], condition=PUBLISHED, name="pub_answered_idx"),
            # Publications by state, oldest first.
            models.Index(fields=["state", "submitted_at"], name="pub_state_idx"),
            # Answers published after the last decision, oldest decision first.
            models.Index(fields=["moderated_at", "id"], name="pub_answer_review_idx",
                         condition=PUBLISHED & Q(answer_to_review=True)),
            # The public map: published cases in a box, one index range per row of cells.
            models.Index(fields=["map_cell"], condition=PUBLISHED & Q(map_cell__isnull=False), name="pub_map_cell_idx"),
            # A GIN index on search_document is made by migration on PostgreSQL.
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_state_display()}"

    @property
    def is_public(self) -> bool:
        return self.state == PublicationState.PUBLISHED

    @property
    def author_label(self) -> str:
        """What the public reads as the author: "a citizen" unless the author
        chose to show their name."""
        from django.utils.translation import gettext

        name = (self.case.contact_name or "").strip()
        return name if self.show_author_name and name else gettext("A citizen")


class CaseFollow(models.Model):
    """A signed-in person following a public case (rather than filing the
    same matter again): they are told when its public answer is published."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_follows")
    case = models.ForeignKey("petitions.Case", on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(_("time followed"), auto_now_add=True)

    class Meta:
        verbose_name = _("followed case")
        verbose_name_plural = _("followed cases")
        constraints = [models.UniqueConstraint(fields=["user", "case"], name="case_follow_once")]
        indexes = [
            # The followers of a case, told when its answer is published.
            models.Index(fields=["case"], name="case_follow_case_idx"),
            # A person's followed cases, newest first (the unique constraint
            # leads with user too, but not in this order).
            models.Index(fields=["user", "-created_at"], name="case_follow_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.case_id}"
