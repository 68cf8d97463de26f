"""The REST API of hearings, over the same selectors and services as the
pages: anyone reads a consultation's hearings and their minutes; a
signed-in citizen applies; the department announces, reads the
applications, decides on each and publishes the minutes."""

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import api_exception, error_responses
from api.throttling import ApiWriteThrottle
from consultations.hearings import selectors, services
from consultations.hearings.models import Hearing, HearingApplication
from consultations.permissions import get_consultation_for_department, get_consultation_public
from portal.errors import DomainError


class HearingSerializer(serializers.ModelSerializer):
    applied = serializers.IntegerField(read_only=True)
    selected = serializers.IntegerField(read_only=True)
    minutes = serializers.SerializerMethodField()
    minutes_pdf = serializers.SerializerMethodField()

    class Meta:
        model = Hearing
        fields = ["id", "starts_at", "place", "seats", "apply_until", "applied", "selected", "minutes",
                  "minutes_published_at", "minutes_pdf"]

    def get_minutes(self, hearing) -> str:
        return hearing.minutes if hearing.minutes_published_at else ""

    def get_minutes_pdf(self, hearing) -> str | None:
        """The address of the minutes' PDF, if one was published."""
        if not (hearing.minutes_published_at and hearing.minutes_file):
            return None
        return f"/consultations/{hearing.consultation_id}/hearings/{hearing.pk}/minutes.pdf"


class HearingInSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=300)
    seats = serializers.IntegerField(min_value=1, max_value=10000)
    apply_until = serializers.DateTimeField()


class ApplicationInSerializer(serializers.Serializer):
    statement = serializers.CharField(max_length=1000)


class OwnApplicationSerializer(serializers.ModelSerializer):
    class Meta:
        model = HearingApplication
        fields = ["id", "statement", "state", "reason", "applied_at", "decided_at"]


class ApplicationSerializer(serializers.ModelSerializer):
    applicant = serializers.CharField(source="applicant.display_name", read_only=True)

    class Meta:
        model = HearingApplication
        fields = ["id", "applicant", "statement", "state", "reason", "applied_at", "decided_at"]


class DecisionInSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("select", "select"), ("refuse", "refuse")])
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class MinutesInSerializer(serializers.Serializer):
    minutes = serializers.CharField(max_length=50000)


def _run(service, **kwargs):
    try:
        return service(**kwargs)
    except DomainError as error:
        raise api_exception(error) from None


class HearingListView(APIView):
    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "POST" else []

    def get_throttles(self):
        throttles = super().get_throttles()
        return [*throttles, ApiWriteThrottle()] if self.request.method == "POST" else throttles

    @extend_schema(operation_id="consultations_hearings", summary="A consultation's hearings and minutes (anyone)",
                   responses={200: HearingSerializer(many=True), **error_responses(404)})
    def get(self, request, consultation_id):
        consultation = get_consultation_public(request.user, consultation_id)
        return Response(HearingSerializer(selectors.hearings_of(consultation), many=True).data)

    @extend_schema(operation_id="consultations_hearing_announce", summary="Announce a hearing (the department)",
                   request=HearingInSerializer, responses={201: HearingSerializer, **error_responses(404)})
    def post(self, request, consultation_id):
        consultation = get_consultation_for_department(request.user, consultation_id)
        incoming = HearingInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        hearing = _run(services.hearing_announce, actor=request.user, consultation_id=consultation.pk,
                       **incoming.validated_data)
        return Response(HearingSerializer(selectors.hearing_of(consultation, hearing.pk)).data,
                        status=status.HTTP_201_CREATED)


class HearingApplyView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [*APIView.throttle_classes, ApiWriteThrottle]

    @extend_schema(operation_id="consultations_hearing_apply", summary="Apply to take part (signed-in citizens)",
                   request=ApplicationInSerializer, responses={201: OwnApplicationSerializer, **error_responses(404)})
    def post(self, request, consultation_id, hearing_id):
        consultation = get_consultation_public(request.user, consultation_id)
        hearing = selectors.hearing_of(consultation, hearing_id)
        incoming = ApplicationInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        application = _run(services.hearing_apply, actor=request.user, hearing_id=hearing.pk,
                           statement=incoming.validated_data["statement"])
        return Response(OwnApplicationSerializer(application).data, status=status.HTTP_201_CREATED)


class ApplicationListView(APIView):
    @extend_schema(operation_id="consultations_hearing_applications", summary="A hearing's applications "
                                                                              "(the department)",
                   responses={200: ApplicationSerializer(many=True), **error_responses(404)})
    def get(self, request, consultation_id, hearing_id):
        consultation = get_consultation_for_department(request.user, consultation_id)
        hearing = selectors.hearing_of(consultation, hearing_id)
        return Response(ApplicationSerializer(selectors.applications_of(hearing)[:1000], many=True).data)


class DecisionView(APIView):
    throttle_classes = [*APIView.throttle_classes, ApiWriteThrottle]

    @extend_schema(operation_id="consultations_hearing_decide", summary="Select or refuse an applicant, with "
                                                                        "the reason (the department)",
                   request=DecisionInSerializer, responses={200: ApplicationSerializer, **error_responses(404)})
    def post(self, request, consultation_id, hearing_id, application_id):
        consultation = get_consultation_for_department(request.user, consultation_id)
        hearing = selectors.hearing_of(consultation, hearing_id)
        application = selectors.applications_of(hearing).filter(pk=application_id).first()
        if application is None:
            raise Http404("No application found")
        incoming = DecisionInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        application = _run(services.application_decide, actor=request.user, application_id=application.pk,
                           select=data["decision"] == "select", reason=data["reason"])
        return Response(ApplicationSerializer(application).data)


class MinutesView(APIView):
    throttle_classes = [*APIView.throttle_classes, ApiWriteThrottle]

    @extend_schema(operation_id="consultations_hearing_minutes", summary="Publish the minutes' text "
                                                                         "(the department)",
                   request=MinutesInSerializer, responses={200: HearingSerializer, **error_responses(404)})
    def post(self, request, consultation_id, hearing_id):
        consultation = get_consultation_for_department(request.user, consultation_id)
        hearing = selectors.hearing_of(consultation, hearing_id)
        incoming = MinutesInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        _run(services.minutes_publish, actor=request.user, hearing_id=hearing.pk,
             minutes=incoming.validated_data["minutes"])
        return Response(HearingSerializer(selectors.hearing_of(consultation, hearing.pk)).data)


urlpatterns = [
    path("<int:consultation_id>/hearings/", HearingListView.as_view(), name="hearings"),
    path("<int:consultation_id>/hearings/<int:hearing_id>/apply/", HearingApplyView.as_view(), name="hearing_apply"),
    path("<int:consultation_id>/hearings/<int:hearing_id>/applications/", ApplicationListView.as_view(),
         name="hearing_applications"),
    path("<int:consultation_id>/hearings/<int:hearing_id>/applications/<int:application_id>/decision/",
         DecisionView.as_view(), name="hearing_decide"),
    path("<int:consultation_id>/hearings/<int:hearing_id>/minutes/", MinutesView.as_view(),
         name="hearing_minutes"),
]
