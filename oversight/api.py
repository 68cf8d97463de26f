"""The REST API of reports of misconduct, over the same services as the
pages: anyone reports (signed in: named) and follows an anonymous report
with its secret; reporters read their own; supervisors read and handle;
the reported department reads and answers only the summaries put to it."""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Department
from api.errors import api_exception, error_responses
from api.pagination import ApiPagination
from api.throttling import ApiWriteThrottle
from oversight import selectors, services
from oversight.forms import MAX_EVIDENCE_FILES
from oversight.models import Evidence, ExplanationRequest, Finding, Outcome, Report, ReportCategory, ReportState
from oversight.permissions import (
    get_evidence_for_supervisor,
    get_explanation_for_user,
    get_own_report,
    get_report_for_supervisor,
    is_supervisor,
)
from oversight.views import evidence_response
from petitions.attachments import attachment_content_type
from petitions.models import Case
from portal.addresses import ratelimit_key
from portal.errors import DomainError


def _run(service, **kwargs):
    try:
        return service(**kwargs)
    except DomainError as error:
        raise api_exception(error) from None


class IsSupervisor(IsAuthenticated):
    def has_permission(self, request, view):
        return super().has_permission(request, view) and is_supervisor(request.user)


# --- serializers ------------------------------------------------------------------


class FindingSerializer(serializers.ModelSerializer):
    """What the reporter is told: the finding and which measures were taken."""
    supervision_order = serializers.SerializerMethodField()
    notice_published = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = ["outcome", "conclusion", "supervision_order", "notice_published", "referred_to_discipline",
                  "recorded_at"]

    def get_supervision_order(self, finding) -> bool:
        return finding.order_id is not None

    def get_notice_published(self, finding) -> bool:
        return finding.notice_published_at is not None


class OwnReportSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.display_name", read_only=True)
    finding = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = ["id", "tracking_number", "department", "official", "category", "body", "state", "submitted_at",
                  "decline_reason", "finding", "rating"]

    @extend_schema_field(FindingSerializer(allow_null=True))
    def get_finding(self, report):
        finding = getattr(report, "finding", None) if report.state == ReportState.CONCLUDED else None
        return FindingSerializer(finding).data if finding else None


class FollowedReportSerializer(OwnReportSerializer):
    class Meta(OwnReportSerializer.Meta):
        fields = ["tracking_number", "state", "submitted_at", "decline_reason", "finding", "rating"]


class EvidenceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "name", "content_type", "size", "url"]

    def get_url(self, evidence) -> str:
        """Where a supervisor downloads it (the read is logged)."""
        return reverse("api:oversight:evidence", kwargs={"report_id": evidence.report_id,
                                                         "evidence_id": evidence.pk})


class SupervisorReportSerializer(OwnReportSerializer):
    department_id = serializers.IntegerField(read_only=True)
    reporter = serializers.SerializerMethodField()
    case = serializers.CharField(source="case.tracking_number", read_only=True, default=None)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta(OwnReportSerializer.Meta):
        fields = [*OwnReportSerializer.Meta.fields, "department_id", "reporter", "case", "accepted_at",
                  "declined_at", "evidence"]

    def get_reporter(self, report) -> str | None:
        return report.reporter.email if report.reporter_id else None


class ReportListSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.display_name", read_only=True)

    class Meta:
        model = Report
        fields = ["id", "tracking_number", "department", "category", "state", "submitted_at"]


class EvidenceUploadField(serializers.FileField):
    """One evidence file, checked as the page form checks it: by its
    content (an image or a PDF) and its size."""

    def to_internal_value(self, data):
        upload = super().to_internal_value(data)
        try:
            return upload, attachment_content_type(upload)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages, code=error.code) from None


class ReportCreateSerializer(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.filter(is_active=True))
    official = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    category = serializers.ChoiceField(choices=ReportCategory.choices)
    body = serializers.CharField(min_length=10, max_length=10000)
    case = serializers.CharField(required=False, allow_blank=True, default="",
                                 help_text="tracking number of one of your own cases (signed in only)")
    anonymous = serializers.BooleanField(required=False, default=False)
    evidence = serializers.ListField(
        child=EvidenceUploadField(), required=False, default=list, max_length=MAX_EVIDENCE_FILES,
        help_text="Evidence files: images (JPEG, PNG, GIF, WebP) or PDF documents, each repeated under this name "
                  "(multipart requests only). Only supervisors can open them.")


class ReportCreatedSerializer(serializers.Serializer):
    tracking_number = serializers.CharField()
    secret = serializers.CharField(allow_blank=True, help_text="anonymous reports only: shown once")


class FollowSerializer(serializers.Serializer):
    tracking_number = serializers.CharField(max_length=24)
    secret = serializers.CharField(max_length=64)
    rating = serializers.IntegerField(min_value=1, max_value=5, required=False)


class RateSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)


class ActionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    summary = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    due_at = serializers.DateTimeField(required=False)
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False)
    conclusion = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    notice = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    publish_notice = serializers.BooleanField(required=False, default=False)
    refer = serializers.BooleanField(required=False, default=False)
    referral_note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    order_instructions = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    order_due_at = serializers.DateTimeField(required=False)


class ExplanationSerializer(serializers.ModelSerializer):
    """Only the supervisor's summary: nothing of the report itself."""
    department = serializers.CharField(source="department.display_name", read_only=True)

    class Meta:
        model = ExplanationRequest
        fields = ["id", "department", "summary", "due_at", "requested_at", "answer", "answered_at"]


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=10000)


# --- views -----------------------------------------------------------------------------


class ReportListView(ListAPIView):
    permission_classes = [IsSupervisor]
    serializer_class = ReportListSerializer
    pagination_class = ApiPagination

    def get_queryset(self):
        state = self.request.query_params.get("state", "")
        return selectors.reports_for_supervisors(state)

    @extend_schema(operation_id="oversight_reports_list", summary="Reports of misconduct (supervisors)",
                   responses={200: ReportListSerializer(many=True), **error_responses(404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ReportSubmitView(APIView):
    """Anyone reports; signed in, the report is named unless asked otherwise."""
    permission_classes = [AllowAny]
    throttle_classes = [*APIView.throttle_classes, ApiWriteThrottle]

    @extend_schema(operation_id="oversight_report_submit", summary="Report a department or an official",
                   description="Signed in: a named report, unless `anonymous`. Otherwise anonymous: the answer "
                               "holds the secret to follow it, shown once. Evidence files go in a multipart "
                               "request, each under `evidence`; only supervisors can open them.",
                   request=ReportCreateSerializer, responses={201: ReportCreatedSerializer, **error_responses()})
    def post(self, request):
        data = ReportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        actor = request.user if request.user.is_authenticated else AnonymousUser()
        case = None
        if values["case"]:
            case = Case.objects.filter(tracking_number=values["case"], citizen_id=getattr(actor, "pk", None)).first()
            if case is None:
                message = _("Only your own case can be linked to a report you sign.")
                raise exceptions.ValidationError({"case": [message]})
        report, secret = _run(services.report_submit, actor=actor, department=values["department"],
                              category=values["category"], body=values["body"], official=values["official"],
                              case=case, anonymous=values["anonymous"], files=values["evidence"])
        return Response({"tracking_number": report.tracking_number, "secret": secret},
                        status=status.HTTP_201_CREATED)


class ReportDetailView(APIView):
    permission_classes = [IsSupervisor]

    @extend_schema(operation_id="oversight_report_detail", summary="A report (supervisors; the read is logged)",
                   responses={200: SupervisorReportSerializer, **error_responses(404)})
    def get(self, request, report_id):
        report = get_report_for_supervisor(request.user, report_id)
        services.log_read(actor=request.user, report=report, via="api")
        return Response(SupervisorReportSerializer(report).data)


class EvidenceDownloadView(APIView):
    permission_classes = [IsSupervisor]

    @extend_schema(operation_id="oversight_evidence_download",
                   summary="An evidence file of a report (supervisors; the read is logged)",
                   responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **error_responses(404)})
    def get(self, request, report_id, evidence_id):
        evidence = get_evidence_for_supervisor(request.user, report_id, evidence_id)
        services.log_read(actor=request.user, report=evidence.report, via="api-evidence")
        return evidence_response(evidence)


ACTIONS = {
    "accept": lambda actor, report, data: services.report_accept(actor=actor, report_id=report.pk),
    "decline": lambda actor, report, data: services.report_decline(actor=actor, report_id=report.pk,
                                                                   reason=data["reason"]),
    "explain": lambda actor, report, data: services.explanation_request(
        actor=actor, report_id=report.pk, summary=data["summary"], due_at=data.get("due_at")),
    "finding": lambda actor, report, data: services.finding_record(
        actor=actor, report_id=report.pk, outcome=data.get("outcome", ""), conclusion=data["conclusion"],
        notice=data["notice"], publish_notice=data["publish_notice"], refer=data["refer"],
        referral_note=data["referral_note"], order_instructions=data["order_instructions"],
        order_due_at=data.get("order_due_at")),
}


class ReportActionView(APIView):
    permission_classes = [IsSupervisor]
    throttle_classes = [*APIView.throttle_classes, ApiWriteThrottle]

    @extend_schema(operation_id="oversight_report_action",
                   summary="Handle a report (supervisors): accept, decline, explain or finding",
                   request=ActionSerializer, responses={200: SupervisorReportSerializer, **error_responses(400, 404)})
    def post(self, request, report_id, action):
        report = get_report_for_supervisor(request.user, report_id)
        if action not in ACTIONS:
            raise exceptions.NotFound()
        data = ActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if action == "explain" and not data.validated_data.get("due_at"):
            raise exceptions.ValidationError({"due_at": [_("Give the date the explanation is due.")]})
        _run(ACTIONS[action], actor=request.user, report=report, data=data.validated_data)
        report = get_report_for_supervisor(request.user, report_id)
        # The answer is the whole report: a read like any other.
        services.log_read(actor=request.user, report=report, via="api")
        return Response(SupervisorReportSerializer(report).data)


class MyReportsView(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = OwnReportSerializer
    pagination_class = ApiPagination

    def get_queryset(self):
        return selectors.reports_of(self.request.user)

    @extend_schema(operation_id="oversight_my_reports", summary="The caller's own named reports",
                   responses={200: OwnReportSerializer(many=True), **error_responses(404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class MyReportRateView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [*APIView.throttle_classes, ApiWriteThrottle]

    @extend_schema(operation_id="oversight_my_report_rate", summary="Rate the handling of one's report, once",
                   request=RateSerializer, responses={200: OwnReportSerializer, **error_responses(400, 404)})
    def post(self, request, report_id):
        report = get_own_report(request.user, report_id)
        data = RateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _run(services.report_rate, report_id=report.pk, rating=data.validated_data["rating"], actor=request.user)
        return Response(OwnReportSerializer(get_own_report(request.user, report_id)).data)


class FollowView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(operation_id="oversight_follow", summary="Follow (and rate) an anonymous report by its secret",
                   request=FollowSerializer, responses={200: FollowedReportSerializer, **error_responses(400, 404)})
    def post(self, request):
        if is_ratelimited(request, group="oversight.follow", key=ratelimit_key, rate="10/m", method="POST",
                          increment=True):
            raise exceptions.Throttled()
        data = FollowSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        report = services.report_follow(tracking_number=values["tracking_number"].strip(), secret=values["secret"])
        if report is None:
            raise exceptions.NotFound(_("No report matches this number and secret."))
        if "rating" in values:
            report = _run(services.report_rate, report_id=report.pk, rating=values["rating"],
                          secret=values["secret"])
        return Response(FollowedReportSerializer(report).data)


class ExplanationListView(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ExplanationSerializer
    pagination_class = ApiPagination

    def get_queryset(self):
        return selectors.explanations_for(self.request.user)

    @extend_schema(operation_id="oversight_explanations", summary="Explanations asked of the caller's departments",
                   responses={200: ExplanationSerializer(many=True), **error_responses(404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ExplanationAnswerView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [*APIView.throttle_classes, ApiWriteThrottle]

    @extend_schema(operation_id="oversight_explanation_answer",
                   summary="Answer an explanation request (the department)",
                   request=AnswerSerializer, responses={200: ExplanationSerializer, **error_responses(400, 403, 404)})
    def post(self, request, request_id):
        asked = get_explanation_for_user(request.user, request_id)
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        asked = _run(services.explanation_answer, actor=request.user, request_id=asked.pk,
                     answer=data.validated_data["answer"])
        return Response(ExplanationSerializer(asked).data)


app_name = "oversight"
urlpatterns = [
    path("reports/", ReportListView.as_view(), name="reports"),
    path("report/", ReportSubmitView.as_view(), name="submit"),
    path("reports/<int:report_id>/", ReportDetailView.as_view(), name="report"),
    path("reports/<int:report_id>/evidence/<int:evidence_id>/", EvidenceDownloadView.as_view(), name="evidence"),
    path("reports/<int:report_id>/<str:action>/", ReportActionView.as_view(), name="action"),
    path("mine/", MyReportsView.as_view(), name="mine"),
    path("mine/<int:report_id>/rate/", MyReportRateView.as_view(), name="rate"),
    path("follow/", FollowView.as_view(), name="follow"),
    path("explanations/", ExplanationListView.as_view(), name="explanations"),
    path("explanations/<int:request_id>/answer/", ExplanationAnswerView.as_view(), name="answer"),
]
