"""Lists for the people who work cases: the department inbox (the same
filters as the inbox page, through its form) and the routing centre."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView

from api.errors import error_responses, form_errors
from api.pagination import ApiPagination, BoundedApiPagination
from api.permissions import IsDispatcher, IsOfficial
from api.serializers import CaseListSerializer, InboxCaseSerializer
from petitions.lifecycle import Status
from petitions.models import Kind, Urgency
from responses.forms import InboxFilterForm
from responses.selectors import inbox_for_user, routing_centre_queue


def _query(name, kind=OpenApiTypes.STR, description="", **extra):
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, required=False, description=description, **extra)


INBOX_PARAMETERS = [
    _query("q", description="A tracking number, or words in the title."),
    _query("status", enum=Status.values),
    _query("kind", enum=Kind.values),
    _query("category", OpenApiTypes.INT, "A category id."),
    _query("region", OpenApiTypes.INT, "A region id."),
    _query("urgency", enum=Urgency.values),
    _query("due", description="day: due within a day; overdue: past due.", enum=["day", "overdue"]),
    _query("mine", OpenApiTypes.BOOL, "Only the cases assigned to me."),
    _query("assisting", OpenApiTypes.BOOL, "The cases my departments assist on (协办) instead of lead."),
    _query("area", OpenApiTypes.INT, "An area's id (places): cases whose point lies in it or in an area within it."),
    _query("bbox", description="west,south,east,north in WGS-84 degrees: cases whose point lies in the box."),
    _query("sort", enum=["newest", "oldest", "due"]),
]


class InboxView(ListAPIView):
    """The cases of the caller's departments."""

    serializer_class = InboxCaseSerializer
    # A department has tens of thousands of cases: counted up to a limit, not whole.
    pagination_class = BoundedApiPagination
    permission_classes = [*ListAPIView.permission_classes, IsOfficial]

    def get_queryset(self):
        filters = InboxFilterForm(self.request.query_params)
        if not filters.is_valid():
            raise form_errors(filters)
        return inbox_for_user(self.request.user, filters.filters())

    @extend_schema(operation_id="inbox_list", summary="The department inbox (officials)",
                   parameters=INBOX_PARAMETERS, responses={200: InboxCaseSerializer(many=True),
                                                           **error_responses(404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class RoutingCentreView(ListAPIView):
    """Cases no rule could route and cases departments returned, oldest first."""

    serializer_class = CaseListSerializer
    pagination_class = ApiPagination
    permission_classes = [*ListAPIView.permission_classes, IsDispatcher]

    def get_queryset(self):
        status = self.request.query_params.get("status", "")
        if status not in ("", Status.ROUTING_CENTRE, Status.RETURNED):
            raise ValidationError({"status": [_("Choose awaiting dispatch or returned.")]}, code="invalid_choice")
        return routing_centre_queue(status=status)

    @extend_schema(operation_id="routing_centre_list", summary="The routing centre (dispatchers)",
                   parameters=[_query("status", enum=[Status.ROUTING_CENTRE.value, Status.RETURNED.value])],
                   responses={200: CaseListSerializer(many=True), **error_responses(404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
