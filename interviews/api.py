"""The REST API of live interviews, over the same selectors and services as
the pages: anyone reads interviews, their published questions, live posts
and transcripts; citizens ask and support; hosts and moderators screen;
hosts post, start and close."""

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.limits import address_over_limit, client_over_limit
from accounts.models import Department
from api.errors import api_exception, error_responses
from api.pagination import ApiPagination
from api.throttling import ApiWriteThrottle
from interviews import selectors, services
from interviews.models import Answer, Interview, InterviewState, Question
from interviews.permissions import get_interview_for_hosting, get_interview_for_screening
from petitions.models import Category, Region
from portal.errors import DomainError
from publication.models import PublicationRejectionReason


class ReadForAllWriteSignedIn(BasePermission):
    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or bool(request.user and request.user.is_authenticated)


# --- serializers ------------------------------------------------------------------


class InterviewSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.display_name", read_only=True)
    department_code = serializers.CharField(source="department.code", read_only=True)

    class Meta:
        model = Interview
        fields = ["id", "title", "description", "department", "department_code", "guests", "starts_at", "ends_at",
                  "stream_url", "state", "started_at", "closed_at"]


class InterviewScheduleSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.filter(is_active=True))
    guests = serializers.CharField(max_length=1000)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    stream_url = serializers.URLField(required=False, allow_blank=True, default="")
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.filter(is_active=True))
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.filter(is_active=True))


class QuestionSerializer(serializers.ModelSerializer):
    answered = serializers.SerializerMethodField()

    class Meta:
        model = Question
        fields = ["id", "body", "support_count", "submitted_at", "answered"]

    def get_answered(self, question) -> bool:
        return question.answered_at is not None


class QuestionAskSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=2000)


class QuestionByEmailSerializer(serializers.Serializer):
    email = serializers.EmailField(help_text="Where the confirmation link is sent; never published.")
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    body = serializers.CharField(max_length=2000)


class AskedByEmailSerializer(serializers.Serializer):
    state = serializers.CharField(help_text="`unconfirmed` until the e-mailed link is opened")


class AskedQuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = ["id", "original", "state", "submitted_at"]


class PostSerializer(serializers.ModelSerializer):
    question = QuestionSerializer(read_only=True)

    class Meta:
        model = Answer
        fields = ["id", "speaker", "body", "posted_at", "question"]


class InterviewDetailSerializer(InterviewSerializer):
    posts = PostSerializer(many=True, read_only=True)
    passed_on = serializers.SerializerMethodField()

    class Meta(InterviewSerializer.Meta):
        fields = [*InterviewSerializer.Meta.fields, "posts", "passed_on"]

    def get_passed_on(self, interview) -> int:
        """How many unanswered questions became cases for the department."""
        return interview.passed_on


class ScreenSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["publish", "merge", "reject"])
    body = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    into = serializers.IntegerField(required=False, help_text="merge: the published question to merge into")
    reason = serializers.PrimaryKeyRelatedField(queryset=PublicationRejectionReason.objects.filter(is_active=True),
                                                required=False, help_text="reject: one of the moderation reasons")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def validate(self, data):
        if data["decision"] == "merge" and not data.get("into"):
            raise serializers.ValidationError({"into": _("Choose the question to merge into.")})
        if data["decision"] == "reject" and not data.get("reason"):
            raise serializers.ValidationError({"reason": _("Choose a reason.")})
        return data


class ScreenedSerializer(serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = ["id", "body", "state", "merged_into", "rejection_reason", "rejection_note"]


class AnswerPostSerializer(serializers.Serializer):
    question = serializers.IntegerField(required=False, allow_null=True, default=None,
                                        help_text="The published question answered; none for a statement.")
    speaker = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    body = serializers.CharField(max_length=10000)


class CloseResultSerializer(serializers.Serializer):
    state = serializers.CharField()
    new_cases = serializers.ListField(child=serializers.CharField(), help_text="tracking numbers")


# --- views -----------------------------------------------------------------------


def _run(service, **kwargs):
    try:
        return service(**kwargs)
    except DomainError as error:
        raise api_exception(error) from None


def _question_of(interview, question_id) -> Question:
    question = Question.objects.filter(pk=question_id, interview=interview).first()
    if question is None:
        raise Http404("No question found")
    return question


class InterviewListView(ListAPIView):
    serializer_class = InterviewSerializer
    pagination_class = ApiPagination
    permission_classes = [ReadForAllWriteSignedIn]

    def get_throttles(self):
        throttles = super().get_throttles()
        return [*throttles, ApiWriteThrottle()] if self.request.method == "POST" else throttles

    def get_queryset(self):
        return selectors.interviews_public().order_by("-starts_at", "-pk")

    @extend_schema(operation_id="interviews_list", summary="Live interviews (anyone)",
                   responses={200: InterviewSerializer(many=True), **error_responses(404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(operation_id="interviews_schedule", summary="Schedule an interview (interview hosts)",
                   request=InterviewScheduleSerializer, responses={201: InterviewSerializer, **error_responses()})
    def post(self, request, *args, **kwargs):
        incoming = InterviewScheduleSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        interview = _run(services.interview_schedule, actor=request.user, **incoming.validated_data)
        return Response(InterviewSerializer(interview).data, status=status.HTTP_201_CREATED)


class InterviewDetailView(APIView):
    permission_classes = [ReadForAllWriteSignedIn]

    @extend_schema(operation_id="interviews_detail", summary="An interview with its posts (anyone)",
                   description="While live, `posts` are the answers and statements so far; once closed, the "
                               "transcript. `passed_on` counts the questions that became cases.",
                   responses={200: InterviewDetailSerializer, **error_responses(404)})
    def get(self, request, interview_id):
        interview = selectors.interview_public(interview_id)
        transcript = selectors.transcript(interview)
        interview.posts = transcript["posts"]
        interview.passed_on = len(transcript["passed_on"])
        return Response(InterviewDetailSerializer(interview).data)


class QuestionListView(APIView):
    permission_classes = [ReadForAllWriteSignedIn]

    def get_throttles(self):
        throttles = super().get_throttles()
        return [*throttles, ApiWriteThrottle()] if self.request.method == "POST" else throttles

    @extend_schema(operation_id="interviews_questions", summary="An interview's published questions (anyone)",
                   responses={200: QuestionSerializer(many=True), **error_responses(404)})
    def get(self, request, interview_id):
        interview = selectors.interview_public(interview_id)
        return Response(QuestionSerializer(selectors.published_questions(interview), many=True).data)

    @extend_schema(operation_id="interviews_ask", summary="Ask a question (signed in, confirmed e-mail)",
                   description="Published once a moderator has screened it; if not answered live, it becomes "
                               "a case for the department when the interview closes.",
                   request=QuestionAskSerializer, responses={201: AskedQuestionSerializer, **error_responses(404)})
    def post(self, request, interview_id):
        interview = selectors.interview_public(interview_id)
        incoming = QuestionAskSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        question = _run(services.question_submit, actor=request.user, interview_id=interview.pk,
                        body=incoming.validated_data["body"])
        return Response(AskedQuestionSerializer(question).data, status=status.HTTP_201_CREATED)


class QuestionByEmailView(APIView):
    """Asking without an account, as the page's form does: the same limits
    per client and per address (accounts.limits, in the shared cache)."""

    permission_classes = []

    @extend_schema(operation_id="interviews_ask_by_email",
                   summary="Ask a question with an e-mail address to confirm (anyone)",
                   description="The address gets a link; the question reaches the moderators only once it is "
                               "opened. If not answered live it becomes a case filed with that address, which "
                               "is told its tracking number. Limited per client and per address (429).",
                   request=QuestionByEmailSerializer, responses={202: AskedByEmailSerializer, **error_responses(404)})
    def post(self, request, interview_id):
        interview = selectors.interview_public(interview_id)
        incoming = QuestionByEmailSerializer(data=request.data)
        limited = client_over_limit(request, action="interview_question")
        if limited is None and incoming.is_valid():
            limited = address_over_limit(request, email=incoming.validated_data["email"])
        if limited is not None:
            raise exceptions.Throttled(wait=limited.retry_after)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        question = _run(services.question_submit_by_email, interview_id=interview.pk, email=data["email"],
                        name=data["name"], body=data["body"], language=request.LANGUAGE_CODE)
        return Response(AskedByEmailSerializer(question).data, status=status.HTTP_202_ACCEPTED)


class QuestionSupportView(APIView):
    throttle_classes = [*APIView.throttle_classes, ApiWriteThrottle]

    @extend_schema(operation_id="interviews_support", summary="Support a published question (signed in, once)",
                   request=None, responses={200: QuestionSerializer, **error_responses(404)})
    def post(self, request, interview_id, question_id):
        interview = selectors.interview_public(interview_id)
        question = _question_of(interview, question_id)
        _run(services.question_support, actor=request.user, question_id=question.pk)
        question.refresh_from_db()
        return Response(QuestionSerializer(question).data)


class QuestionScreenView(APIView):
    throttle_classes = [*APIView.throttle_classes, ApiWriteThrottle]

    @extend_schema(operation_id="interviews_screen", summary="Publish, merge or reject a question "
                                                             "(moderators and the interview's hosts)",
                   request=ScreenSerializer, responses={200: ScreenedSerializer, **error_responses(404)})
    def post(self, request, interview_id, question_id):
        interview = get_interview_for_screening(request.user, interview_id)
        question = _question_of(interview, question_id)
        incoming = ScreenSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        if data["decision"] == "publish":
            question = _run(services.question_publish, actor=request.user, question_id=question.pk,
                            body=data["body"] or None)
        elif data["decision"] == "merge":
            question = _run(services.question_merge, actor=request.user, question_id=question.pk,
                            into_question_id=data["into"])
        else:
            question = _run(services.question_reject, actor=request.user, question_id=question.pk,
                            reason=data["reason"], note=data["note"])
        return Response(ScreenedSerializer(question).data)


class PendingQuestionsView(APIView):
    @extend_schema(operation_id="interviews_questions_to_screen",
                   summary="Questions awaiting screening (moderators and the interview's hosts)",
                   responses={200: AskedQuestionSerializer(many=True), **error_responses(404)})
    def get(self, request, interview_id):
        interview = get_interview_for_screening(request.user, interview_id)
        waiting = selectors.questions_to_screen(interview)["waiting"]
        return Response(AskedQuestionSerializer(waiting, many=True).data)


class AnswerPostView(APIView):
    throttle_classes = [*APIView.throttle_classes, ApiWriteThrottle]

    @extend_schema(operation_id="interviews_post", summary="Post an answer or a statement live "
                                                           "(the interview's hosts)",
                   request=AnswerPostSerializer, responses={201: PostSerializer, **error_responses(404)})
    def post(self, request, interview_id):
        interview = get_interview_for_hosting(request.user, interview_id)
        incoming = AnswerPostSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        answer = _run(services.answer_post, actor=request.user, interview_id=interview.pk,
                      body=incoming.validated_data["body"], question_id=incoming.validated_data["question"],
                      speaker=incoming.validated_data["speaker"])
        return Response(PostSerializer(answer).data, status=status.HTTP_201_CREATED)


class InterviewStartView(APIView):
    throttle_classes = [*APIView.throttle_classes, ApiWriteThrottle]

    @extend_schema(operation_id="interviews_start", summary="Start an interview (its hosts)", request=None,
                   responses={200: InterviewSerializer, **error_responses(404)})
    def post(self, request, interview_id):
        interview = get_interview_for_hosting(request.user, interview_id)
        interview = _run(services.interview_start, actor=request.user, interview_id=interview.pk)
        return Response(InterviewSerializer(selectors.interview_public(interview.pk)).data)


class InterviewCloseView(APIView):
    throttle_classes = [*APIView.throttle_classes, ApiWriteThrottle]

    @extend_schema(operation_id="interviews_close", summary="Close an interview (its hosts)", request=None,
                   description="Publishes the transcript; every question not answered live becomes a case for "
                               "the department and its asker is told. Safe to repeat.",
                   responses={200: CloseResultSerializer, **error_responses(404)})
    def post(self, request, interview_id):
        interview = get_interview_for_hosting(request.user, interview_id)
        cases = _run(services.interview_close, actor=request.user, interview_id=interview.pk)
        return Response(CloseResultSerializer({"state": InterviewState.CLOSED,
                                               "new_cases": [case.tracking_number for case in cases]}).data)


app_name = "interviews"
urlpatterns = [
    path("", InterviewListView.as_view(), name="list"),
    path("<int:interview_id>/", InterviewDetailView.as_view(), name="detail"),
    path("<int:interview_id>/questions/", QuestionListView.as_view(), name="questions"),
    path("<int:interview_id>/questions/pending/", PendingQuestionsView.as_view(), name="questions-pending"),
    path("<int:interview_id>/questions/by-email/", QuestionByEmailView.as_view(), name="ask-by-email"),
    path("<int:interview_id>/questions/<int:question_id>/support/", QuestionSupportView.as_view(), name="support"),
    path("<int:interview_id>/questions/<int:question_id>/screen/", QuestionScreenView.as_view(), name="screen"),
    path("<int:interview_id>/answers/", AnswerPostView.as_view(), name="answers"),
    path("<int:interview_id>/start/", InterviewStartView.as_view(), name="start"),
    path("<int:interview_id>/close/", InterviewCloseView.as_view(), name="close"),
]
