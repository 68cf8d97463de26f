"""Supervision records for supervisors: every case's clocks with their
event logs, extensions and orders; the deadlines closest to breach; the
extensions waiting for a decision; and the rates of the dashboard
(supervision.metrics), scoped by the dashboard's own form."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Department
from api.errors import error_responses, form_errors
from api.pagination import ApiPagination
from api.permissions import IsSupervisor
from api.selectors import case_for_api, case_supervision_for
from api.serializers import (
    CaseListSerializer,
    CaseSupervisionSerializer,
    ClockWithCaseSerializer,
    PendingExtensionSerializer,
    RatesReportSerializer,
)
from api.views.cases import TRACKING
from petitions.lifecycle import Status
from petitions.models import Category, Region
from petitions.permissions import case_sight, log_refusal
from responses.forms import StatusFilterForm
from supervision.forms import DashboardForm
from supervision.metrics import breached_open, near_breach, rates_by
from supervision.models import Extension
from supervision.selectors import case_overview

LABEL_MODELS = {"department": Department, "category": Category, "region": Region}


def _query(name, kind=OpenApiTypes.STR, description="", **extra):
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, required=False, description=description, **extra)


class CaseSupervisionView(APIView):
    @extend_schema(operation_id="cases_supervision", summary="A case's supervision records", parameters=[TRACKING],
                   description="Its clocks (deadlines) with their hash-chained event logs and extensions, and its "
                               "supervision orders (督办). Shown to those who work on the case, as on the case page.",
                   responses={200: CaseSupervisionSerializer, **error_responses(404)})
    def get(self, request, tracking):
        case = case_for_api(request.user, tracking)
        if not case_sight(request.user, case).internal:
            log_refusal(request.user, case, "read_supervision")
            raise PermissionDenied(_("Supervision records are for the people who work on the case."))
        return Response(CaseSupervisionSerializer(case_supervision_for(case), context={"request": request}).data)


class OverviewView(ListAPIView):
    serializer_class = CaseListSerializer
    pagination_class = ApiPagination
    permission_classes = [*ListAPIView.permission_classes, IsSupervisor]

    def get_queryset(self):
        filters = StatusFilterForm(self.request.query_params)
        if not filters.is_valid():
            raise form_errors(filters)
        return case_overview(status=filters.cleaned_data["status"] or None)

    @extend_schema(operation_id="supervision_cases", summary="Every case (supervisors)",
                   parameters=[_query("status", enum=Status.values)],
                   responses={200: CaseListSerializer(many=True), **error_responses(404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class DeadlinesView(APIView):
    permission_classes = [*APIView.permission_classes, IsSupervisor]

    @extend_schema(
        operation_id="supervision_deadlines", summary="Deadlines closest to breach, or breached (supervisors)",
        parameters=[_query("view", enum=["near_breach", "breached"],
                           description="near_breach (default): running clocks closest to their due time; "
                                       "breached: breached clocks whose work is still not done."),
                    _query("department", OpenApiTypes.INT, "Only this department's clocks.")],
        responses={200: ClockWithCaseSerializer(many=True), **error_responses()},
    )
    def get(self, request):
        view = request.query_params.get("view") or "near_breach"
        if view not in ("near_breach", "breached"):
            raise ValidationError({"view": [_("Choose near_breach or breached.")]}, code="invalid_choice")
        department = request.query_params.get("department") or None
        if department is not None and not (department.isdigit() and len(department) < 10):
            raise ValidationError({"department": [_("Give a department id.")]}, code="invalid")
        department = int(department) if department else None
        clocks = (near_breach(now=timezone.now(), limit=100, department_id=department) if view == "near_breach"
                  else breached_open(limit=100, department_id=department))
        return Response(ClockWithCaseSerializer(clocks, many=True).data)


class PendingExtensionsView(ListAPIView):
    serializer_class = PendingExtensionSerializer
    pagination_class = ApiPagination
    permission_classes = [*ListAPIView.permission_classes, IsSupervisor]

    def get_queryset(self):
        state = self.request.query_params.get("state") or Extension.State.PENDING
        if state not in Extension.State.values:
            raise ValidationError({"state": [_("Choose pending, approved or refused.")]}, code="invalid_choice")
        return (Extension.objects.filter(state=state)
                .select_related("clock__case", "clock__department", "requested_by", "decided_by")
                .order_by("requested_at", "id"))

    @extend_schema(operation_id="supervision_extensions", summary="Extensions asked for (supervisors)",
                   parameters=[_query("state", enum=Extension.State.values,
                                      description="pending (default), approved or refused; oldest first.")],
                   responses={200: PendingExtensionSerializer(many=True), **error_responses(404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class RatesView(APIView):
    permission_classes = [*APIView.permission_classes, IsSupervisor]

    @extend_schema(
        operation_id="supervision_rates", summary="Rates per department, category, region or month (supervisors)",
        description="The dashboard's figures (supervision.metrics): response, on-time reply, resolution, "
                    "satisfaction, return and reopen rates, overdue count, extensions granted, and time to sign "
                    "for and to reply (median and 90th percentile, working hours). This year by default.",
        parameters=[
            _query("start", OpenApiTypes.DATE), _query("end", OpenApiTypes.DATE, "Inclusive."),
            _query("department", OpenApiTypes.INT), _query("category", OpenApiTypes.INT),
            _query("region", OpenApiTypes.INT),
            _query("group", enum=["department", "category", "region"]),
            _query("sort", enum=["response_rate", "on_time_rate", "resolution_rate", "satisfaction_rate",
                                 "overdue"]),
            _query("by_month", OpenApiTypes.BOOL, "One row per month (the trend) instead of per group."),
        ],
        responses={200: RatesReportSerializer, **error_responses()},
    )
    def get(self, request):
        form = DashboardForm(request.query_params)
        if request.query_params and not form.is_valid():
            raise form_errors(form)
        scope, group, sort = form.scope()
        if scope.end <= scope.start:
            raise ValidationError({"end": [_("The end must not come before the start.")]}, code="invalid")
        by_month = request.query_params.get("by_month", "").lower() in ("1", "true", "yes")
        rows = rates_by(scope, group=group, now=timezone.now(), by_month=by_month)
        if by_month:
            labels = {row.key: timezone.localtime(row.key).strftime("%Y-%m") for row in rows if row.key}
        else:
            labels = {item.pk: str(item) for item in LABEL_MODELS[group].objects.filter(
                pk__in=[row.key for row in rows if row.key is not None])}
            rows.sort(key=lambda rates: (getattr(rates, sort) is None, -(getattr(rates, sort) or 0)))
        data = [_rates_row(row, labels.get(row.key, "—")) for row in rows]
        return Response(RatesReportSerializer({"start": scope.start, "end": scope.end,
                                               "group": "month" if by_month else group, "rows": data}).data)


def _rates_row(rates, label) -> dict:
    key = rates.key
    if hasattr(key, "isoformat"):
        key = timezone.localtime(key).date().isoformat()
    row = {name: getattr(rates, name) for name in (
        "dispatched", "sign_for_due", "signed_in_time", "returned", "replies_due", "replied_in_time", "evaluated",
        "resolved", "satisfied", "reopened", "overdue", "extensions", "response_rate", "on_time_rate",
        "resolution_rate", "satisfaction_rate", "return_rate", "reopen_rate")}
    row.update(key=None if key is None else str(key), label=label,
               sign_for_hours=rates.sign_for_hours or None, reply_hours=rates.reply_hours or None)
    return row
