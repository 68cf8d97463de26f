"""Cases: what citizens file and follow, and the actions every role takes
on them, through the same action registry as the case page
(responses.actions)."""

from django import forms
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import api_exception, error_responses, form_errors
from api.pagination import ApiPagination
from api.permissions import IsOperator
from api.selectors import case_detail_for, case_for_api, filed_attachment_names
from api.serializers import (
    ActionListSerializer,
    ActionResultSerializer,
    CaseDetailSerializer,
    CaseListSerializer,
    CaseRecordSerializer,
    CaseSubmitResultSerializer,
    CaseSubmitSerializer,
)
from api.throttling import ApiWriteThrottle
from petitions.models import Channel
from petitions.permissions import log_refusal
from petitions.selectors import cases_for_citizen
from petitions.services import case_record_for_citizen, case_submit
from portal.errors import CaseChanged, DomainError
from responses.actions import ACTIONS, ACTIONS_BY_NAME, offered_actions

TRACKING = OpenApiParameter("tracking", OpenApiTypes.STR, OpenApiParameter.PATH,
                            description="The case's tracking number, e.g. 261127-4821-3773-059 (dashes optional).")
ACTION = OpenApiParameter("action", OpenApiTypes.STR, OpenApiParameter.PATH, enum=[a.name for a in ACTIONS],
                          description="One of the actions listed by GET …/actions/.")


def render_case(request, case) -> dict:
    return CaseDetailSerializer(case_detail_for(request.user, case), context={"request": request}).data


def filed_answer(request, case, created: bool) -> Response:
    """The filed case in the list's shape, not the whole case page: the
    caller asked to file, and one GET of its url reads the rest."""
    answer = CaseSubmitResultSerializer({"created": created, "case": case, "attachments": filed_attachment_names(case)},
                                        context={"request": request}).data
    return Response(answer, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
                    headers={"Location": answer["case"]["url"]})


class CaseListView(ListAPIView):
    """The caller's own cases, newest first; and filing a new one."""

    serializer_class = CaseListSerializer
    pagination_class = ApiPagination
    throttle_classes = [*ListAPIView.throttle_classes, ApiWriteThrottle]

    def get_queryset(self):
        return cases_for_citizen(self.request.user)

    @extend_schema(operation_id="cases_mine", summary="List my cases", responses={
        200: CaseListSerializer(many=True), **error_responses(404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="cases_submit", summary="Submit a case",
        description="Files a case as the caller (channel: API). Send a submission_key to make retries safe.",
        request={"application/json": CaseSubmitSerializer, "multipart/form-data": CaseSubmitSerializer},
        responses={201: CaseSubmitResultSerializer, 200: OpenApiResponse(
            CaseSubmitResultSerializer, description="This submission key had already filed the case."),
            **error_responses()},
    )
    def post(self, request, *args, **kwargs):
        incoming = CaseSubmitSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        try:
            case, created = case_submit(
                actor=request.user, channel=Channel.API, kind=data["kind"], category=data["category"],
                region=data["region"], urgency=data["urgency"], title=data["title"], body=data["body"],
                address=data["address"], contact_name=data["contact_name"] or request.user.full_name,
                contact_phone=data["contact_phone"], contact_email=request.user.email or "",
                wants_public=data["wants_public"], attachment=data["attachment"],
                submission_key=data["submission_key"], language=request.LANGUAGE_CODE,
            )
        except DomainError as error:
            raise api_exception(error) from None
        return filed_answer(request, case, created)


class CaseRecordView(APIView):
    permission_classes = [*APIView.permission_classes, IsOperator]
    throttle_classes = [*APIView.throttle_classes, ApiWriteThrottle]

    @extend_schema(
        operation_id="cases_record", summary="Record a phone or walk-in case (operators)",
        request={"application/json": CaseRecordSerializer, "multipart/form-data": CaseRecordSerializer},
        responses={201: CaseSubmitResultSerializer, 200: CaseSubmitResultSerializer, **error_responses()},
    )
    def post(self, request):
        incoming = CaseRecordSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        try:
            case, created = case_record_for_citizen(
                actor=request.user, channel=data["channel"], kind=data["kind"], category=data["category"],
                region=data["region"], urgency=data["urgency"], title=data["title"], body=data["body"],
                address=data["address"], contact_name=data["contact_name"], contact_phone=data["contact_phone"],
                contact_email=data.get("contact_email", ""), wants_public=data["wants_public"],
                attachment=data["attachment"], submission_key=data["submission_key"],
                language=request.LANGUAGE_CODE,
            )
        except DomainError as error:
            raise api_exception(error) from None
        return filed_answer(request, case, created)


class CaseDetailView(APIView):
    @extend_schema(operation_id="cases_read", summary="Read a case", parameters=[TRACKING],
                   description="What the case page shows the caller. A case that does not exist and one the "
                               "caller may not see both answer 404.",
                   responses={200: CaseDetailSerializer, **error_responses(404)})
    def get(self, request, tracking):
        return Response(render_case(request, case_for_api(request.user, tracking)))


def describe_field(name, field) -> dict:
    choices = None
    if isinstance(field, forms.FileField):
        kind = "file"
    elif isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
        kind = "multiple_choice"
    elif isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        kind = "choice"
    elif isinstance(field, forms.BooleanField):
        kind = "boolean"
    elif isinstance(field, forms.DateTimeField):
        kind = "datetime"
    elif isinstance(field, forms.IntegerField):
        kind = "integer"
    else:
        kind = "string"
    if kind in ("choice", "multiple_choice"):
        choices = [{"value": str(value), "label": str(label)} for value, label in field.choices if value != ""]
    return {"name": name, "type": kind, "required": field.required, "label": str(field.label or name),
            "help_text": str(field.help_text or ""), "max_length": getattr(field, "max_length", None),
            "choices": choices}


class CaseActionsView(APIView):
    @extend_schema(operation_id="cases_actions", summary="List the actions I can take on a case",
                   parameters=[TRACKING],
                   description="Each action the caller is offered on the case as it stands, with its form "
                               "fields and their choices, as on the case page.",
                   responses={200: ActionListSerializer, **error_responses(404)})
    def get(self, request, tracking):
        case = case_for_api(request.user, tracking)
        actions = []
        for action in offered_actions(request.user, case):
            form = action.form(case=case, user=request.user)
            actions.append({
                "name": action.name, "title": str(action.title), "button": str(action.button),
                "help": str(action.help), "multipart": action.multipart,
                "url": request.build_absolute_uri(f"{request.path}{action.name}/"),
                "fields": [describe_field(name, field) for name, field in form.fields.items() if name != "version"],
            })
        return Response(ActionListSerializer({"version": case.version, "actions": actions}).data)


ACTION_BODY = {
    "type": "object",
    "properties": {"version": {"type": "integer", "nullable": True,
                               "description": "The case version you act on; a stale one is refused with 409."}},
    "additionalProperties": True,
    "description": "The action's fields, named as GET …/actions/ lists them. Choices are sent by value; "
                   "several choices as a list.",
}


class CaseActionView(APIView):
    throttle_classes = [*APIView.throttle_classes, ApiWriteThrottle]

    @extend_schema(
        operation_id="cases_act", summary="Take an action on a case", parameters=[TRACKING, ACTION],
        description="Runs one action of the workflow through the same form and service as the case page. "
                    "An action not offered to the caller is refused with 403 (409 if the version sent is "
                    "stale); a transition the case's state does not allow with 400.",
        request={"application/json": ACTION_BODY, "multipart/form-data": ACTION_BODY},
        responses={200: ActionResultSerializer, **error_responses(404, 409)},
    )
    def post(self, request, tracking, action):
        user = request.user
        case = case_for_api(user, tracking)
        registered = ACTIONS_BY_NAME.get(action)
        if registered is None:
            raise exceptions.NotFound(_("There is no action of that name."))
        if not isinstance(request.data, dict):
            raise exceptions.ValidationError({"non_field_errors": [_("Send the action's fields as one object.")]},
                                             code="invalid")
        form = registered.form(_form_data(request.data), request.FILES, case=case, user=user)
        if not registered.offered(user, case):
            sent = request.data.get("version")
            if sent not in (None, "") and str(sent) != str(case.version):
                raise api_exception(CaseChanged())
            log_refusal(user, case, action)
            raise exceptions.PermissionDenied(_("You cannot take this action on the case as it stands now."))
        if not form.is_valid():
            raise form_errors(form)
        try:
            told = registered.run(user, case, form.cleaned_data, form.cleaned_data.get("version"))
        except DomainError as error:
            raise api_exception(error) from None
        try:
            fresh = render_case(request, case_for_api(user, tracking))
        except Http404:
            fresh = None  # the action took the case out of the caller's sight (returned, re-routed)
        return Response({"message": str(told if isinstance(told, str) else registered.done), "case": fresh})


def _form_data(data) -> dict:
    """JSON values as a Django form reads them: a list stays a list (for
    multiple choices), true/false answer yes/no questions, null is empty."""
    if hasattr(data, "getlist"):
        return data
    converted = {}
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, bool):
            converted[key] = value if key in _CHECKBOXES else ("yes" if value else "no")
        elif isinstance(value, list):
            converted[key] = [str(item) for item in value]
        else:
            converted[key] = value if isinstance(value, str) else str(value)
    return converted


# Boolean form fields (checkboxes) across the registry: they take true/false
# as they are; other yes/no questions are choice fields.
_CHECKBOXES = frozenset(
    name for action in ACTIONS for name, field in action.form.base_fields.items()
    if isinstance(field, forms.BooleanField)
)
