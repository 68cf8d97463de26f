"""The shape of what the API reads and returns. Serializers check shape;
services check meaning (STYLE.md)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.models import ApiToken
from petitions.attachments import attachment_content_type
from petitions.lifecycle import Status
from petitions.models import Case, Category, Kind, Region, Urgency
from portal.row_cache import cached_rows, case_row_key
from supervision.deadlines import answer_data, deadline_data


class RefSerializer(serializers.Serializer):
    """A department, category or region: its id and its name in the request's language."""

    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class DeadlineSerializer(serializers.Serializer):
    """The deadline the case is held to now, named by its clock."""

    kind = serializers.CharField(help_text="The clock: dispatch, sign_for, reply or rehandling.")
    label = serializers.CharField(help_text="Its name in the request's language (签收期限, 答复期限 ...).")
    due_at = serializers.DateTimeField(allow_null=True, help_text="Null while the clock is paused.")
    paused = serializers.BooleanField(help_text="The clock waits for the citizen's material.")
    overdue = serializers.BooleanField()


class AnswerExpectedSerializer(serializers.Serializer):
    """When the citizen will have an answer."""

    at = serializers.DateTimeField(allow_null=True, help_text="Null while the clock waits for the citizen's "
                                                              "material.")
    estimate = serializers.BooleanField(
        help_text="True before the reply clock runs: then each step still to come is taken at its full limit. "
                  "False: the reply (or re-handling) deadline itself.")
    waits_for_material = serializers.BooleanField()


# One instance each, reused for every row: making a serializer copies its
# declared fields, which a list of cases would otherwise pay twice a row.
DEADLINE = DeadlineSerializer()
ANSWER_EXPECTED = AnswerExpectedSerializer()


def deadline_representation(case) -> dict | None:
    data = deadline_data(case)
    return DEADLINE.to_representation(data) if data else None


def answer_representation(case) -> dict | None:
    data = answer_data(case)
    return ANSWER_EXPECTED.to_representation(data) if data else None


class CaseListSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField()
    kind_label = serializers.CharField()
    category = RefSerializer()
    region = RefSerializer()
    lead_department = RefSerializer(allow_null=True)
    url = serializers.SerializerMethodField()
    deadline = serializers.SerializerMethodField()
    answer_expected_by = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = ["tracking_number", "title", "status", "status_label", "kind", "kind_label", "urgency", "category",
                  "region", "lead_department", "submitted_at", "due_at", "deadline", "answer_expected_by", "url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, case) -> str:
        path = reverse("api:case-detail", kwargs={"tracking": case.tracking_number})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    @extend_schema_field(DeadlineSerializer(allow_null=True))
    def get_deadline(self, case):
        return deadline_representation(case)

    @extend_schema_field(AnswerExpectedSerializer(allow_null=True))
    def get_answer_expected_by(self, case):
        return answer_representation(case)


class InboxRowsSerializer(serializers.ListSerializer):
    """The inbox's rows, each kept once made (portal.row_cache); a row's key
    holds the address its links are built on."""

    def to_representation(self, data):
        request = self.context.get("request")
        host = request.get_host() if request else ""
        return cached_rows(list(data), key=lambda case: case_row_key("inbox-api", case, host),
                           make=self.child.to_representation)


class InboxCaseSerializer(CaseListSerializer):
    assigned_to = PersonSerializer(allow_null=True)

    class Meta(CaseListSerializer.Meta):
        fields = [*CaseListSerializer.Meta.fields, "assigned_to", "version"]
        list_serializer_class = InboxRowsSerializer


class CaseSubmitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices, help_text="What kind of case this is.")
    # pk_field: an id must be a whole number (1.5 is not category 1).
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.filter(is_active=True),
                                                  pk_field=serializers.IntegerField(),
                                                  help_text="Id of an active category.")
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.filter(is_active=True),
                                                pk_field=serializers.IntegerField(),
                                                help_text="Id of an active region.")
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    title = serializers.CharField(min_length=4, max_length=Case._meta.get_field("title").max_length)
    body = serializers.CharField(min_length=10, max_length=Case._meta.get_field("body").max_length)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    contact_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    wants_public = serializers.BooleanField(default=False,
                                            help_text="The citizen agrees that the case and answer may be published.")
    submission_key = serializers.UUIDField(
        required=False, allow_null=True, default=None,
        help_text="Any UUID of the program's choosing: sending the same one again returns the first case "
                  "instead of filing a second one.")
    attachment = serializers.FileField(required=False, allow_null=True, default=None,
                                       help_text="An image or a PDF (multipart requests only).")

    def validate_attachment(self, upload):
        if upload:
            try:
                attachment_content_type(upload)
            except DjangoValidationError as error:
                raise serializers.ValidationError(error.messages, code=error.code) from None
        return upload or None


class CaseRecordSerializer(CaseSubmitSerializer):
    """What an operator records for a phone or walk-in case."""

    channel = serializers.ChoiceField(choices=[("phone", _("phone")), ("walk_in", _("walk-in"))])
    contact_name = serializers.CharField(max_length=100)
    contact_email = serializers.EmailField(required=False, allow_blank=True)

    def validate(self, data):
        if not data.get("contact_phone") and not data.get("contact_email"):
            raise serializers.ValidationError(
                {"contact_phone": _("Give an e-mail address or a phone number, so the department can answer.")},
                code="required")
        return data


# --- the case as its viewer may see it ------------------------------------------------------


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, attachment) -> str:
        path = reverse("petitions:attachment", args=[attachment.case_id, attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class MaterialRequestSerializer(serializers.Serializer):
    message = serializers.CharField()
    requested_at = serializers.DateTimeField()
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)


class CitedOpinionSerializer(serializers.Serializer):
    department = RefSerializer()
    opinion = serializers.CharField()


class ReplySerializer(serializers.Serializer):
    department = RefSerializer()
    body = serializers.CharField()
    state = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    cited_opinions = CitedOpinionSerializer(many=True, source="cited_opinions.all")


class StaffReplySerializer(ReplySerializer):
    author = PersonSerializer(allow_null=True, help_text="Staff only.")
    review_note = serializers.CharField(help_text="The head's note; staff only.")


class TimelineEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    label = serializers.CharField()
    status = serializers.CharField()
    actor = serializers.CharField()


class FeedbackSerializer(serializers.Serializer):
    given_at = serializers.DateTimeField()
    resolved = serializers.BooleanField()
    satisfaction = serializers.CharField()
    comment = serializers.CharField()
    reopened = serializers.BooleanField()


class NoteSerializer(serializers.Serializer):
    author = PersonSerializer()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


class AssistanceSerializer(serializers.Serializer):
    department = RefSerializer()
    opinion = serializers.CharField()
    opinion_by = PersonSerializer(allow_null=True)
    opinion_at = serializers.DateTimeField(allow_null=True)


class ReturnSerializer(serializers.Serializer):
    department = RefSerializer()
    returned_by = PersonSerializer()
    reason = serializers.CharField()
    returned_at = serializers.DateTimeField()
    decision = serializers.CharField()
    decision_note = serializers.CharField()
    decided_by = PersonSerializer(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)


class ReturnVisitSerializer(serializers.Serializer):
    operator = PersonSerializer()
    outcome = serializers.CharField()
    resolved = serializers.BooleanField(allow_null=True)
    note = serializers.CharField()
    visited_at = serializers.DateTimeField()


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField(source="contact_name")
    phone = serializers.CharField(source="contact_phone")
    email = serializers.CharField(source="contact_email")


class StaffDetailSerializer(serializers.Serializer):
    """What officials, dispatchers, operators and supervisors see beyond the citizen."""

    channel = serializers.CharField()
    assigned_to = PersonSerializer(allow_null=True)
    contact = ContactSerializer()
    notes = NoteSerializer(many=True)
    assistances = AssistanceSerializer(many=True)
    returns = ReturnSerializer(many=True)
    return_visits = ReturnVisitSerializer(many=True)


class ViewerSerializer(serializers.Serializer):
    is_owner = serializers.BooleanField()
    is_follower = serializers.BooleanField(help_text="The viewer's own case was merged into this one.")
    is_staff = serializers.BooleanField(help_text="The viewer works on cases (not the citizen).")


class CaseDetailSerializer(serializers.Serializer):
    """What api.selectors.case_detail_for gives: the case's own fields read
    from it, the rest as this viewer may see them."""

    tracking_number = serializers.CharField(source="case.tracking_number")
    title = serializers.CharField(source="case.title")
    status = serializers.ChoiceField(source="case.status", choices=Status.choices)
    status_label = serializers.CharField(source="case.get_status_display")
    kind = serializers.CharField(source="case.kind")
    urgency = serializers.CharField(source="case.urgency")
    category = RefSerializer(source="case.category")
    region = RefSerializer(source="case.region")
    lead_department = RefSerializer(source="case.lead_department", allow_null=True)
    version = serializers.IntegerField(source="case.version",
                                       help_text="Send it with an action: a stale version is refused with 409.")
    submitted_at = serializers.DateTimeField(source="case.submitted_at")
    dispatched_at = serializers.DateTimeField(source="case.dispatched_at", allow_null=True)
    signed_for_at = serializers.DateTimeField(source="case.signed_for_at", allow_null=True)
    replied_at = serializers.DateTimeField(source="case.replied_at", allow_null=True)
    closed_at = serializers.DateTimeField(source="case.closed_at", allow_null=True)
    due_at = serializers.DateTimeField(source="case.due_at", allow_null=True)
    deadline = DeadlineSerializer(allow_null=True)
    answer_expected_by = AnswerExpectedSerializer(allow_null=True)
    body = serializers.CharField(allow_null=True, help_text="Null for a follower.")
    address = serializers.CharField(allow_null=True)
    wants_public = serializers.BooleanField(allow_null=True)
    merged_into = serializers.CharField(allow_null=True, help_text="Tracking number of the case it was merged into.")
    viewer = ViewerSerializer()
    attachments = AttachmentSerializer(many=True)
    material_requests = MaterialRequestSerializer(many=True)
    replies = StaffReplySerializer(many=True, help_text="Published replies; staff also see drafts.")
    timeline = TimelineEventSerializer(many=True)
    feedback = FeedbackSerializer(many=True)
    staff = StaffDetailSerializer(allow_null=True, help_text="Null unless the viewer works on cases.")


class CaseSubmitResultSerializer(serializers.Serializer):
    """What filing answers: the case as the caller's list of cases shows it;
    its url (and the Location header) gives the whole case."""

    created = serializers.BooleanField(help_text="False when the submission key had already filed this case.")
    case = CaseListSerializer()
    attachments = serializers.ListField(child=serializers.CharField(), help_text="Names of the files filed with it.")


# --- actions -----------------------------------------------------------------------------


class ActionChoiceSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class ActionFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.ChoiceField(choices=["string", "integer", "boolean", "datetime", "choice", "multiple_choice",
                                            "file"])
    required = serializers.BooleanField()
    label = serializers.CharField()
    help_text = serializers.CharField()
    max_length = serializers.IntegerField(allow_null=True)
    choices = ActionChoiceSerializer(many=True, allow_null=True)


class ActionSerializer(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    button = serializers.CharField()
    help = serializers.CharField()
    multipart = serializers.BooleanField(help_text="Send it as multipart/form-data (it takes a file).")
    url = serializers.URLField()
    fields = ActionFieldSerializer(many=True)


class ActionListSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    actions = ActionSerializer(many=True)


class ActionResultSerializer(serializers.Serializer):
    message = serializers.CharField()
    case = CaseDetailSerializer(allow_null=True, help_text="Null when the action took the case out of your sight.")


# --- the caller, and tokens ------------------------------------------------------------


class MembershipSerializer(serializers.Serializer):
    department = RefSerializer()
    is_head = serializers.BooleanField()


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField(allow_null=True, help_text="Null for an account opened with a mobile number.")
    phone = serializers.CharField(allow_null=True, help_text="The confirmed mobile number (E.164), or null.")
    full_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    memberships = MembershipSerializer(many=True)
    is_superuser = serializers.BooleanField()


class TokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "revoked", "revoked_at"]
        read_only_fields = fields


class TokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)


class TokenCreatedSerializer(TokenSerializer):
    key = serializers.CharField(help_text="The token itself. It is shown this once: keep it safe.")

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "key"]
        read_only_fields = fields


# --- supervision ----------------------------------------------------------------------


class ClockEventSerializer(serializers.Serializer):
    sequence = serializers.IntegerField()
    action = serializers.CharField()
    at = serializers.DateTimeField()
    actor = PersonSerializer(allow_null=True)
    reason = serializers.CharField()


class ExtensionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    reason = serializers.CharField()
    requested_by = PersonSerializer()
    requested_at = serializers.DateTimeField()
    requested_due_at = serializers.DateTimeField()
    decided_by = PersonSerializer(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField()


class PendingExtensionSerializer(ExtensionSerializer):
    case = serializers.CharField(source="clock.case.tracking_number")
    clock_kind = serializers.CharField(source="clock.kind")
    department = RefSerializer(source="clock.department", allow_null=True)
    due_at = serializers.DateTimeField(source="clock.due_at")


class ClockSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    state = serializers.CharField()
    department = RefSerializer(allow_null=True)
    started_at = serializers.DateTimeField()
    warn_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    original_due_at = serializers.DateTimeField()
    stopped_at = serializers.DateTimeField(allow_null=True)
    paused_at = serializers.DateTimeField(allow_null=True)
    working_hours = serializers.FloatField(allow_null=True)
    reminded_at = serializers.DateTimeField(allow_null=True)
    breached_at = serializers.DateTimeField(allow_null=True)
    escalated_at = serializers.DateTimeField(allow_null=True)


class ClockWithCaseSerializer(ClockSerializer):
    case = serializers.CharField(source="case.tracking_number")
    case_title = serializers.CharField(source="case.title")


class ClockRecordSerializer(ClockSerializer):
    events = ClockEventSerializer(many=True, source="events.all")
    extensions = ExtensionSerializer(many=True, source="extensions.all")


class OrderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    department = RefSerializer()
    issued_by = PersonSerializer()
    issued_at = serializers.DateTimeField()
    instructions = serializers.CharField()
    due_at = serializers.DateTimeField()
    state = serializers.CharField()
    response = serializers.CharField()
    responded_by = PersonSerializer(allow_null=True)
    responded_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)


class CaseSupervisionSerializer(serializers.Serializer):
    case = serializers.CharField()
    clocks = ClockRecordSerializer(many=True)
    orders = OrderSerializer(many=True)


class PercentilesSerializer(serializers.Serializer):
    median = serializers.FloatField(allow_null=True)
    p90 = serializers.FloatField(allow_null=True)


class RatesSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True, help_text="Department, category or region id; or the month.")
    label = serializers.CharField()
    dispatched = serializers.IntegerField()
    sign_for_due = serializers.IntegerField(
        help_text="Sign-for clocks that came due (stopped or past their due time): the response and return "
                  "rates' denominator.")
    signed_in_time = serializers.IntegerField()
    returned = serializers.IntegerField()
    replies_due = serializers.IntegerField()
    replied_in_time = serializers.IntegerField()
    evaluated = serializers.IntegerField()
    resolved = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    reopened = serializers.IntegerField()
    overdue = serializers.IntegerField()
    extensions = serializers.IntegerField()
    response_rate = serializers.FloatField(allow_null=True)
    on_time_rate = serializers.FloatField(allow_null=True)
    resolution_rate = serializers.FloatField(allow_null=True)
    satisfaction_rate = serializers.FloatField(allow_null=True)
    return_rate = serializers.FloatField(allow_null=True)
    reopen_rate = serializers.FloatField(allow_null=True)
    sign_for_hours = PercentilesSerializer(allow_null=True)
    reply_hours = PercentilesSerializer(allow_null=True)


class RatesReportSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    group = serializers.CharField()
    rows = RatesSerializer(many=True)
