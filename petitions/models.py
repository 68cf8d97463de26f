"""What citizens submit: cases, the category and region trees, attachments."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from petitions.lifecycle import Status
from portal.bilingual import BilingualNameModel


class TreeNodeModel(BilingualNameModel):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["code"]

    def ancestor_ids(self) -> list[int]:
        """This node's id and its ancestors', nearest first. Trees are a few
        levels deep, so following parents is cheaper than a tree library."""
        ids, node = [], self
        while node is not None:
            ids.append(node.id)
            node = node.parent
        return ids


class Category(TreeNodeModel):
    class Meta(TreeNodeModel.Meta):
        verbose_name = _("category")
        verbose_name_plural = _("categories")


class Region(TreeNodeModel):
    class Meta(TreeNodeModel.Meta):
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class Kind(models.TextChoices):
    CONSULTATION = "consultation", _("consultation")
    SUGGESTION = "suggestion", _("suggestion")
    COMPLAINT = "complaint", _("complaint")
    HELP = "help", _("request for help")
    PETITION = "petition", _("petition")


class Channel(models.TextChoices):
    WEB = "web", _("web")
    API = "api", _("API")
    PHONE = "phone", _("phone")
    WALK_IN = "walk_in", _("walk-in")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("normal")
    URGENT = "urgent", _("urgent")
    EMERGENCY = "emergency", _("emergency")


# The case's history is read by case (its id) and date only: simple-history
# would index every copied key and indexed column too, twelve indexes on the
# largest table that every submission and every step writes and no query
# reads.
HISTORY_UNINDEXED = ["tracking_number", "submission_key", "category", "region", "citizen", "recorded_by",
                     "lead_department", "assigned_to", "merged_into", "area"]


# A case with a lead department: every case once routed.
ROUTED = models.Q(lead_department__isnull=False)
# A case an operator recorded (phone, walk-in) that no account holds yet:
# it becomes the account's that confirms the address it was recorded with.
UNLINKED_OFFLINE = models.Q(citizen__isnull=True, channel__in=["phone", "walk_in"])


class Case(models.Model):
    tracking_number = models.CharField(_("tracking number"), max_length=24, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("details"), max_length=5000)
    address = models.CharField(_("address"), max_length=200, blank=True)
    # Where it is, in WGS-84 (places/: validated inside CITY_BOUNDS), and the
    # smallest area holding that point when it was set.
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    area = models.ForeignKey("places.Area", verbose_name=_("area"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="cases", db_index=False)
    wants_public = models.BooleanField(_("author asks for it to be public"), default=False)

    # Indexed by case_citizen_idx (citizen first); likewise lead_department
    # by case_dept_idx: a second index on the column alone would only be
    # written. The keys left empty on most cases (recorded_by, assigned_to,
    # merged_into) are indexed where set, by Meta.indexes.
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("citizen"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="cases", db_index=False,
    )
    contact_name = models.CharField(_("contact name"), max_length=100, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    # The operator who recorded a phone or walk-in case for the citizen.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="recorded_cases", db_index=False,
    )
    # The language the citizen used, so e-mails about the case speak it.
    language = models.CharField(_("language"), max_length=10, default="zh-hans")

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    lead_department = models.ForeignKey(
        "accounts.Department", verbose_name=_("lead department"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="lead_cases", db_index=False,
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned to"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="assigned_cases", db_index=False,
    )
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="merged_cases", db_index=False,
    )
    # Bumped by every service that changes the case; a form carries the value
    # it was shown, so an action on a stale page is refused, not lost.
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(_("time submitted"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("time dispatched"), null=True, blank=True)
    signed_for_at = models.DateTimeField(_("time signed for"), null=True, blank=True)
    replied_at = models.DateTimeField(_("time replied"), null=True, blank=True)
    due_at = models.DateTimeField(_("due by"), null=True, blank=True)
    closed_at = models.DateTimeField(_("time closed"), null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    # Set from a hidden field of the submission form: posting the same form
    # twice (a double click, a retried request) finds the first case.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # Set when a moderator approves or refuses publication (publication.
    # services), so the moderation queue reads only the cases still waiting
    # for a decision, by a partial index, not every case that ever asked.
    # (A database default too: bulk loads by COPY leave it out.)
    publication_decided = models.BooleanField(default=False, db_default=False, editable=False)

    history = HistoricalRecords(excluded_fields=["version", "publication_decided"],
                              no_db_index=HISTORY_UNINDEXED)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            # The department inbox: by department, optionally by status, newest first.
            # Only routed cases: a new case has no department yet, and its
            # submission writes none of these (ROUTED: a query by department,
            # any equality or IN on it, is one PostgreSQL proves routed).
            models.Index(fields=["lead_department", "-submitted_at"], name="case_dept_idx", condition=ROUTED),
            models.Index(fields=["lead_department", "status", "-submitted_at"], name="case_dept_status_idx",
                         condition=ROUTED),
            # One index per inbox filter, each led by the department.
            models.Index(fields=["lead_department", "kind", "-submitted_at"], name="case_dept_kind_idx",
                         condition=ROUTED),
            models.Index(fields=["lead_department", "category", "-submitted_at"], name="case_dept_category_idx",
                         condition=ROUTED),
            models.Index(fields=["lead_department", "region", "-submitted_at"], name="case_dept_region_idx",
                         condition=ROUTED),
            models.Index(fields=["lead_department", "urgency", "-submitted_at"], name="case_dept_urgency_idx",
                         condition=ROUTED),
            models.Index(fields=["lead_department", "assigned_to", "-submitted_at"], name="case_dept_assignee_idx",
                         condition=ROUTED),
            # "Due within a day", "overdue" and sorting by due date.
            models.Index(fields=["lead_department", "due_at"], name="case_dept_due_idx", condition=ROUTED),
            # The inbox's filters by place: an area from the list, or a box drawn on the map.
            models.Index(fields=["lead_department", "area", "-submitted_at"], name="case_dept_area_idx",
                         condition=ROUTED & models.Q(area__isnull=False)),
            models.Index(fields=["lead_department", "latitude", "longitude"], name="case_dept_point_idx",
                         condition=ROUTED & models.Q(latitude__isnull=False)),
            # The keys most cases leave empty, indexed where they are set (a
            # lookup by one, and the foreign keys' checks, are).
            models.Index(fields=["assigned_to"], name="case_assigned_to_idx",
                         condition=models.Q(assigned_to__isnull=False)),
            models.Index(fields=["merged_into"], name="case_merged_into_idx",
                         condition=models.Q(merged_into__isnull=False)),
            models.Index(fields=["recorded_by"], name="case_recorded_by_idx",
                         condition=models.Q(recorded_by__isnull=False)),
            # "My cases".
            models.Index(fields=["citizen", "-submitted_at"], name="case_citizen_idx"),
            # An address confirmed: the cases recorded with it before (accounts.services).
            models.Index(fields=["contact_email"], name="case_unlinked_email_idx", condition=UNLINKED_OFFLINE),
            # Likewise a mobile number confirmed (stored in E.164).
            models.Index(fields=["contact_phone"], name="case_unlinked_phone_idx", condition=UNLINKED_OFFLINE),
            # Routing centre queue, the routing sweeper, the supervisors' list.
            models.Index(fields=["status", "-submitted_at"], name="case_status_idx"),
            models.Index(fields=["-submitted_at"], name="case_submitted_idx"),
            # The moderation queue, oldest first: publication asked for, no decision yet, still publishable.
            models.Index(fields=["submitted_at", "id"], name="case_moderation_queue_idx",
                         condition=models.Q(wants_public=True, publication_decided=False)
                         & ~models.Q(status__in=[Status.REJECTED, Status.MERGED, Status.WITHDRAWN])),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_number} {self.title}"

    # Labels by the choices' own lookup: get_FOO_display hashes every choice
    # (translating each) on every call, which a list pays per row and column.
    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)

    @property
    def kind_label(self) -> str:
        return str(Kind(self.kind).label)

    @property
    def urgency_label(self) -> str:
        return str(Urgency(self.urgency).label)


def attachment_path(instance, filename: str) -> str:
    # Never the citizen's file name: it could collide, leak or traverse.
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class RejectionReason(BilingualNameModel):
    """The editable list of reasons a dispatcher may reject a case for."""

    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("rejection reason")
        verbose_name_plural = _("rejection reasons")
        ordering = ["order", "id"]


class CaseRejection(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="rejection")
    reason = models.ForeignKey(RejectionReason, verbose_name=_("reason"), on_delete=models.PROTECT)
    note = models.TextField(_("explanation"), max_length=2000, blank=True)
    rejected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rejected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("rejection")
        verbose_name_plural = _("rejections")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.reason}"


class MaterialRequest(models.Model):
    """A department asks the citizen for more material; the reply clock
    waits from `requested_at` until `answered_at`."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="material_requests")
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    message = models.TextField(_("what is needed"), max_length=2000)
    requested_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("the citizen's answer"), max_length=5000, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("request for material")
        verbose_name_plural = _("requests for material")
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.message[:40]}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    material_request = models.ForeignKey(
        MaterialRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name
