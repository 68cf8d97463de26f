"""The shape of what the API reads and returns. Serializers check shape;
services check meaning (STYLE.md)."""

import copy

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
from petitions.reference import active_by_id
from supervision.deadlines import answer_data, deadline_data


class OutputSerializer(serializers.Serializer):
    """A serializer that only renders. DRF gives every serializer instance
    deep copies of its declared fields, building each field anew; a case's
    page of nested serializers spent most of its rendering time there.
    Here plain fields are shallow copies (binding sets the copy's own name
    and parent; rendering changes nothing on a field) and only nested
    serializers are built anew, each with its own fields and context."""

    def get_fields(self):
        return {name: copy.deepcopy(field) if isinstance(field, serializers.BaseSerializer) else copy.copy(field)
                for name, field in self._declared_fields.items()}


class InputSerializer(serializers.Serializer):
    """A serializer that validates a flat request body, on a busy path.
    Its fields are shallow copies for the same reason as OutputSerializer's:
    validating reads a field's settings and changes none of them (binding
    sets the copy's own name and parent).

    A plain JSON body (a dict, not a form's QueryDict) is validated without
    making those copies at all: each field declared on the class runs DRF's
    own `run_validation` on its value, then the serializer's
    `validate_<field>`, as DRF's loop does. Copying and binding the fields
    was most of the CPU of validating a small body. Any error, a partial
    update, and a serializer with a field this does not know to validate
    unbound (one that reads its parent or context) go through DRF's own
    loop, which also words every error (`FAST_FIELD_CLASSES`; a test
    compares both ways on generated bodies)."""

    def get_fields(self):
        if any(isinstance(field, serializers.BaseSerializer) for field in self._declared_fields.values()):
            raise TypeError("an InputSerializer validates flat bodies: no nested serializers")
        return {name: copy.copy(field) for name, field in self._declared_fields.items()}

    def to_internal_value(self, data):
        if type(data) is dict and not self.partial:
            plan = _fast_plan(type(self))
            if plan is not None:
                validated = self._validated_fast(data, plan)
                if validated is not None:
                    return validated
        return super().to_internal_value(data)

    def run_validators(self, value):
        # DRF's first gathers the read-only fields' defaults, making every
        # field; a serializer that takes the fast path has none of those.
        if self.validators or _fast_plan(type(self)) is None:
            super().run_validators(value)

    def _validated_fast(self, data: dict, plan: tuple) -> dict | None:
        """DRF's to_internal_value for a body with no error; None at the
        first error (DRF's loop then reports them all)."""
        validated = {}
        for name, field, check in plan:
            try:
                value = field.run_validation(data.get(name, serializers.empty))
                if check is not None:
                    value = getattr(self, check)(value)
            except serializers.SkipField:
                continue
            except (serializers.ValidationError, DjangoValidationError):
                return None
            validated[name] = value
        return validated


def _fast_plan(serializer_class) -> tuple | None:
    """(name, declared field, name of its validate_ method or None) for
    each field, or None if one of them must be validated bound. Made once
    per class."""
    if serializer_class not in _FAST_PLANS:
        _FAST_PLANS[serializer_class] = _make_fast_plan(serializer_class)
    return _FAST_PLANS[serializer_class]


def _make_fast_plan(serializer_class) -> tuple | None:
    if serializer_class.get_fields is not InputSerializer.get_fields:
        return None  # fields chosen per instance
    plan = []
    for name, field in serializer_class._declared_fields.items():
        if (type(field) not in FAST_FIELD_CLASSES or field.read_only or field.source not in (None, name)
                or any(getattr(validator, "requires_context", False) for validator in field.validators)):
            return None
        check = f"validate_{name}"
        plan.append((name, field, check if hasattr(serializer_class, check) else None))
    return tuple(plan)


_FAST_PLANS: dict = {}


class RefSerializer(OutputSerializer):
    """A department, category or region: its id and its name in the request's language."""

    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class PersonSerializer(OutputSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="__str__")


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


def deadline_representation(case) -> dict | None:
    """DeadlineSerializer's output for the case, built directly (list rows)."""
    data = deadline_data(case)
    return data and {**data, "due_at": _moment(data["due_at"])}


def answer_representation(case) -> dict | None:
    data = answer_data(case)
    return data and {**data, "at": _moment(data["at"])}


class CaseListSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")
    kind_label = serializers.CharField(source="get_kind_display")
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


class InboxCaseSerializer(CaseListSerializer):
    assigned_to = PersonSerializer(allow_null=True)

    class Meta(CaseListSerializer.Meta):
        fields = [*CaseListSerializer.Meta.fields, "assigned_to", "version"]

    def to_representation(self, case):
        """The fields above, built directly: field by field, DRF spent more
        time on a page of the inbox than everything else in the request
        (issue 7). The declarations stay the schema's, and a test checks
        both ways give the same result (tests/api/test_lists.py). Case
        fields read: responses.selectors.INBOX_API_COLUMNS."""
        known = self.__dict__.get("_row_context")
        if known is None:
            known = self._row_context = self._make_row_context()
        statuses, kinds, moment, url_of = known
        return {
            "tracking_number": case.tracking_number, "title": case.title,
            "status": case.status, "status_label": statuses.get(case.status, case.status),
            "kind": case.kind, "kind_label": kinds.get(case.kind, case.kind), "urgency": case.urgency,
            "category": _ref(case.category), "region": _ref(case.region),
            "lead_department": _ref(case.lead_department) if case.lead_department_id else None,
            "submitted_at": moment(case.submitted_at), "due_at": moment(case.due_at),
            "deadline": deadline_representation(case), "answer_expected_by": answer_representation(case),
            "url": url_of(case.tracking_number),
            "assigned_to": ({"id": case.assigned_to_id, "name": str(case.assigned_to)}
                            if case.assigned_to_id else None),
            "version": case.version,
        }

    def _make_row_context(self):
        """What is the same for every row of one response: labels in the
        request's language, the date format, the case URL around the number."""
        moment = serializers.DateTimeField().to_representation
        path = reverse("api:case-detail", kwargs={"tracking": URL_NUMBER})
        request = self.context.get("request")
        template = request.build_absolute_uri(path) if request else path
        head, tail = template.split(URL_NUMBER)

        def url_of(number: str) -> str:
            return f"{head}{number}{tail}"

        return ({value: str(label) for value, label in Status.choices},
                {value: str(label) for value, label in Kind.choices},
                lambda value: None if value is None else moment(value), url_of)


# A stand-in tracking number, replaced by each case's in its URL.
URL_NUMBER = "000000-0000-0000-000"


def _ref(node) -> dict:
    return {"id": node.id, "name": node.display_name}


class ActiveReferenceField(serializers.PrimaryKeyRelatedField):
    """An active category or region by id, looked up in the process's copy
    (petitions.reference.active_by_id) rather than with a query."""

    def to_internal_value(self, data):
        if isinstance(data, (bool, float)):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            pk = int(data)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        row = active_by_id(self.queryset.model, pk)  # the model alone: no queryset cloned
        if row is None:
            self.fail("does_not_exist", pk_value=data)
        return row


# Fields whose run_validation reads only their own settings (not their
# parent serializer or its context): validated as declared on the class.
FAST_FIELD_CLASSES = {serializers.CharField, serializers.EmailField, serializers.ChoiceField,
                      serializers.BooleanField, serializers.UUIDField, serializers.IntegerField,
                      serializers.FileField, ActiveReferenceField}


class CaseSubmitSerializer(InputSerializer):
    kind = serializers.ChoiceField(choices=Kind.choices, help_text="What kind of case this is.")
    category = ActiveReferenceField(queryset=Category.objects.filter(is_active=True),
                                    help_text="Id of an active category.")
    region = ActiveReferenceField(queryset=Region.objects.filter(is_active=True),
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
    contact_email = serializers.EmailField(required=False, allow_blank=True, default="")

    def validate(self, data):
        if not data.get("contact_phone") and not data.get("contact_email"):
            raise serializers.ValidationError(
                {"contact_phone": _("Give an e-mail address or a phone number, so the department can answer.")},
                code="required")
        return data


# --- the case as its viewer may see it ------------------------------------------------------


class AttachmentSerializer(OutputSerializer):
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


class MaterialRequestSerializer(OutputSerializer):
    message = serializers.CharField()
    requested_at = serializers.DateTimeField()
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)


class CitedOpinionSerializer(OutputSerializer):
    department = RefSerializer()
    opinion = serializers.CharField()


class ReplySerializer(OutputSerializer):
    department = RefSerializer()
    body = serializers.CharField()
    state = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    cited_opinions = CitedOpinionSerializer(many=True, source="cited_opinions.all")


class StaffReplySerializer(ReplySerializer):
    author = PersonSerializer(allow_null=True, help_text="Staff only.")
    review_note = serializers.CharField(help_text="The head's note; staff only.")


class TimelineEventSerializer(OutputSerializer):
    at = serializers.DateTimeField()
    label = serializers.CharField()
    status = serializers.CharField()
    actor = serializers.CharField()


class FeedbackSerializer(OutputSerializer):
    given_at = serializers.DateTimeField()
    resolved = serializers.BooleanField()
    satisfaction = serializers.CharField()
    comment = serializers.CharField()
    reopened = serializers.BooleanField()


class NoteSerializer(OutputSerializer):
    author = PersonSerializer()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


class AssistanceSerializer(OutputSerializer):
    department = RefSerializer()
    opinion = serializers.CharField()
    opinion_by = PersonSerializer(allow_null=True)
    opinion_at = serializers.DateTimeField(allow_null=True)


class ReturnSerializer(OutputSerializer):
    department = RefSerializer()
    returned_by = PersonSerializer()
    reason = serializers.CharField()
    returned_at = serializers.DateTimeField()
    decision = serializers.CharField()
    decision_note = serializers.CharField()
    decided_by = PersonSerializer(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)


class ReturnVisitSerializer(OutputSerializer):
    operator = PersonSerializer()
    outcome = serializers.CharField()
    resolved = serializers.BooleanField(allow_null=True)
    note = serializers.CharField()
    visited_at = serializers.DateTimeField()


class ContactSerializer(OutputSerializer):
    name = serializers.CharField(source="contact_name")
    phone = serializers.CharField(source="contact_phone")
    email = serializers.CharField(source="contact_email")


class StaffDetailSerializer(OutputSerializer):
    """What officials, dispatchers, operators and supervisors see beyond the citizen."""

    channel = serializers.CharField()
    assigned_to = PersonSerializer(allow_null=True)
    contact = ContactSerializer()
    notes = NoteSerializer(many=True)
    assistances = AssistanceSerializer(many=True)
    returns = ReturnSerializer(many=True)
    return_visits = ReturnVisitSerializer(many=True)


class ViewerSerializer(OutputSerializer):
    is_owner = serializers.BooleanField()
    is_follower = serializers.BooleanField(help_text="The viewer's own case was merged into this one.")
    is_staff = serializers.BooleanField(help_text="The viewer works on cases (not the citizen).")


class CaseDetailSerializer(OutputSerializer):
    """Built by api.views.cases.case_detail_data from what the case page shows."""

    tracking_number = serializers.CharField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField()
    kind = serializers.CharField()
    urgency = serializers.CharField()
    category = RefSerializer()
    region = RefSerializer()
    lead_department = RefSerializer(allow_null=True)
    version = serializers.IntegerField(help_text="Send it with an action: a stale version is refused with 409.")
    submitted_at = serializers.DateTimeField()
    dispatched_at = serializers.DateTimeField(allow_null=True)
    signed_for_at = serializers.DateTimeField(allow_null=True)
    replied_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
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


def filed_case_representation(detail: dict, request) -> dict:
    """CaseDetailSerializer(detail).data for a case its citizen filed in this
    very request (api.selectors.case_detail_for with just_filed, seen by its
    owner), built directly: the serializer's nested fields cost more CPU
    than the submission's writes. A test checks both give the same result
    (tests/api/test_submission_response.py); anything else goes through the
    serializer."""
    if detail["staff"] is not None or not detail["viewer"]["is_owner"] or detail["lead_department"] is not None \
            or detail["replies"] or detail["material_requests"] or detail["feedback"]:
        return CaseDetailSerializer(detail, context={"request": request}).data
    moment = _moment
    return {
        "tracking_number": str(detail["tracking_number"]), "title": str(detail["title"]),
        "status": detail["status"], "status_label": str(detail["status_label"]), "kind": str(detail["kind"]),
        "urgency": str(detail["urgency"]), "category": _ref(detail["category"]), "region": _ref(detail["region"]),
        "lead_department": None, "version": int(detail["version"]),
        **{name: moment(detail[name]) for name in (
            "submitted_at", "dispatched_at", "signed_for_at", "replied_at", "closed_at", "due_at")},
        "deadline": detail["deadline"] and {**detail["deadline"], "due_at": moment(detail["deadline"]["due_at"])},
        "answer_expected_by": detail["answer_expected_by"] and {
            **detail["answer_expected_by"], "at": moment(detail["answer_expected_by"]["at"])},
        "body": _text(detail["body"]), "address": _text(detail["address"]),
        "wants_public": None if detail["wants_public"] is None else bool(detail["wants_public"]),
        "merged_into": _text(detail["merged_into"]),
        "viewer": {key: bool(value) for key, value in detail["viewer"].items()},
        "attachments": AttachmentSerializer(detail["attachments"], many=True, context={"request": request}).data
        if detail["attachments"] else [],
        "material_requests": [], "replies": [],
        "timeline": [{"at": moment(event.at), "label": str(event.label), "status": str(event.status),
                      "actor": str(event.actor)} for event in detail["timeline"]],
        "feedback": [], "staff": None,
    }


def _text(value):
    return None if value is None else str(value)


def _moment(value):
    return None if value is None else _DATETIME.to_representation(value)


_DATETIME = serializers.DateTimeField()


class CaseSubmitResultSerializer(OutputSerializer):
    created = serializers.BooleanField(help_text="False when the submission key had already filed this case.")
    case = CaseDetailSerializer()


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
    email = serializers.EmailField()
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
