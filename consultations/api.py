"""The REST API of consultations, over the same selectors and services as
the pages: anyone reads published consultations, their sections, public
comments and report; citizens comment; the department reads each distinct
comment once (its groups) and answers them."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.generics import ListAPIView
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import api_exception, error_responses
from api.pagination import ApiPagination
from api.throttling import ApiWriteThrottle
from consultations import selectors, services, throttle
from consultations.models import Adoption, Comment, CommentGroup, Consultation, DraftSection, FeedbackItem, Stance
from consultations.permissions import get_consultation_for_department, get_consultation_public
from portal.addresses import client_address
from portal.errors import DomainError


class ReadForAllWriteSignedIn(BasePermission):
    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or bool(request.user and request.user.is_authenticated)


class ConsultationSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.display_name", read_only=True)
    topic = serializers.CharField(source="topic.name", read_only=True, default=None)
    phase = serializers.CharField(read_only=True)

    class Meta:
        model = Consultation
        fields = ["id", "title", "summary", "department", "topic", "phase", "opens_at", "closes_at",
                  "short_window_reason", "version", "report_published_at"]


class DraftSectionSerializer(serializers.ModelSerializer):
    comment_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = DraftSection
        fields = ["id", "number", "heading", "text", "comment_count"]


class ConsultationFeedbackSerializer(serializers.ModelSerializer):
    section = serializers.IntegerField(source="section.number", read_only=True, default=None)
    comment = serializers.SerializerMethodField()

    class Meta:
        model = FeedbackItem
        fields = ["section", "comment", "decision", "reason"]

    def get_comment(self, item) -> str | None:
        """The group's comment as published; none if it was not published."""
        comment = item.group.representative if item.group_id else None
        if comment is None or not item.consultation.comments_public:
            return None
        return comment.public_body or None


class ConsultationDetailSerializer(ConsultationSerializer):
    sections = DraftSectionSerializer(many=True, read_only=True)
    report_summary = serializers.CharField(read_only=True)
    feedback = ConsultationFeedbackSerializer(many=True, read_only=True)

    class Meta(ConsultationSerializer.Meta):
        fields = [*ConsultationSerializer.Meta.fields, "sections", "report_summary", "feedback"]


class ConsultationCommentSerializer(serializers.ModelSerializer):
    section = serializers.IntegerField(source="section.number", read_only=True, default=None)
    body = serializers.CharField(source="public_body", read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "section", "stance", "quote", "body", "submitted_at"]


class ConsultationCommentInSerializer(serializers.Serializer):
    section = serializers.IntegerField(required=False, allow_null=True, default=None,
                                       help_text="The section's id; none for the whole draft.")
    quote = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    stance = serializers.ChoiceField(choices=Stance.choices, required=False, default="")
    body = serializers.CharField(max_length=5000)


class OwnConsultationCommentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Comment
        fields = ["id", "section", "stance", "quote", "body", "moderation", "submitted_at"]


class CommentGroupSerializer(serializers.ModelSerializer):
    section = serializers.IntegerField(source="representative.section.number", read_only=True, default=None)
    body = serializers.CharField(source="representative.body", read_only=True, default="")
    stance = serializers.CharField(source="representative.stance", read_only=True, default="")

    class Meta:
        model = CommentGroup
        fields = ["id", "size", "section", "stance", "body"]


class ConsultationFeedbackInSerializer(serializers.Serializer):
    section = serializers.IntegerField(required=False, allow_null=True, default=None)
    group = serializers.IntegerField(required=False, allow_null=True, default=None)
    decision = serializers.ChoiceField(choices=Adoption.choices)
    reason = serializers.CharField(max_length=5000)


def _run(service, **kwargs):
    try:
        return service(**kwargs)
    except DomainError as error:
        raise api_exception(error) from None


class ConsultationListView(ListAPIView):
    serializer_class = ConsultationSerializer
    pagination_class = ApiPagination
    permission_classes = [ReadForAllWriteSignedIn]

    def get_queryset(self):
        return (Consultation.objects.filter(state__in=selectors.PUBLIC_STATES).select_related("department", "topic")
                .order_by("-opens_at", "-pk"))

    @extend_schema(operation_id="consultations_list", summary="Published consultations (anyone)",
                   responses={200: ConsultationSerializer(many=True), **error_responses(404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ConsultationDetailView(APIView):
    permission_classes = [ReadForAllWriteSignedIn]

    @extend_schema(operation_id="consultations_detail", summary="A consultation with its draft and report",
                   responses={200: ConsultationDetailSerializer, **error_responses(404)})
    def get(self, request, consultation_id):
        consultation = get_consultation_public(request.user, consultation_id)
        consultation.sections_counted = selectors.sections_with_counts(consultation)
        report = selectors.feedback_report(consultation) if consultation.report_published_at else None
        data = ConsultationDetailSerializer(consultation).data | {
            "sections": DraftSectionSerializer(consultation.sections_counted, many=True).data,
            "feedback": ConsultationFeedbackSerializer([*report["sections"], *report["groups"]], many=True).data
            if report else [],
        }
        return Response(data)


class CommentListView(APIView):
    permission_classes = [ReadForAllWriteSignedIn]

    def get_throttles(self):
        throttles = super().get_throttles()
        return [*throttles, ApiWriteThrottle()] if self.request.method == "POST" else throttles

    @extend_schema(operation_id="consultations_comments", summary="Published comments (anyone)",
                   responses={200: ConsultationCommentSerializer(many=True), **error_responses(404)})
    def get(self, request, consultation_id):
        consultation = get_consultation_public(request.user, consultation_id)
        return Response(ConsultationCommentSerializer(selectors.public_comments(consultation)[:500], many=True).data)

    @extend_schema(operation_id="consultations_comment", summary="Comment while the window is open (citizens)",
                   request=ConsultationCommentInSerializer,
                   responses={201: OwnConsultationCommentSerializer, **error_responses(404)})
    def post(self, request, consultation_id):
        consultation = get_consultation_public(request.user, consultation_id)
        limited = throttle.check_comment(request)
        if limited:
            raise Throttled(wait=limited.retry_after)
        incoming = ConsultationCommentInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        comment = _run(services.comment_submit, actor=request.user, consultation_id=consultation.pk,
                       section_id=data["section"], quote=data["quote"], stance=data["stance"], body=data["body"],
                       ip_address=client_address(request))
        return Response(OwnConsultationCommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class GroupListView(APIView):
    @extend_schema(operation_id="consultations_groups", summary="Each distinct comment once, with its "
                                                                "campaign's size (the department)",
                   responses={200: CommentGroupSerializer(many=True), **error_responses(404)})
    def get(self, request, consultation_id):
        consultation = get_consultation_for_department(request.user, consultation_id)
        return Response(CommentGroupSerializer(selectors.comment_groups(consultation)[:1000], many=True).data)


class FeedbackView(APIView):
    throttle_classes = [*APIView.throttle_classes, ApiWriteThrottle]

    @extend_schema(operation_id="consultations_feedback", summary="Answer a section or a comment group "
                                                                  "(the department)",
                   request=ConsultationFeedbackInSerializer,
                   responses={200: ConsultationFeedbackSerializer, **error_responses(404)})
    def post(self, request, consultation_id):
        consultation = get_consultation_for_department(request.user, consultation_id)
        incoming = ConsultationFeedbackInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        item = _run(services.feedback_set, actor=request.user, consultation_id=consultation.pk,
                    section_id=data["section"], group_id=data["group"], decision=data["decision"],
                    reason=data["reason"])
        return Response(ConsultationFeedbackSerializer(item).data)


app_name = "consultations"
urlpatterns = [
    path("", ConsultationListView.as_view(), name="list"),
    path("<int:consultation_id>/", ConsultationDetailView.as_view(), name="detail"),
    path("<int:consultation_id>/comments/", CommentListView.as_view(), name="comments"),
    path("<int:consultation_id>/groups/", GroupListView.as_view(), name="groups"),
    path("<int:consultation_id>/feedback/", FeedbackView.as_view(), name="feedback"),
]

# Hearings' endpoints sit under the same consultations/ prefix.
from consultations.hearings.api import urlpatterns as hearing_urlpatterns  # noqa: E402

urlpatterns += hearing_urlpatterns
