"""The map's data over the REST API: published cases in a box (points, or
counts per grid cell for a wide box), and the supervisors' heat map."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import error_responses, form_errors
from api.permissions import IsSupervisor
from places.conf import city_bounds
from places.forms import MapDataForm
from places.selectors import heat_cells, public_map_data
from supervision.forms import DashboardForm


def _query(name, kind=OpenApiTypes.STR, description="", **extra):
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, required=False, description=description, **extra)


CELL = {"south": serializers.FloatField(), "west": serializers.FloatField(), "north": serializers.FloatField(),
        "east": serializers.FloatField(), "count": serializers.IntegerField()}

MapDataSerializer = inline_serializer("PublicMapData", {
    "points": inline_serializer("PublicMapPoint", {
        "tracking_number": serializers.CharField(), "title": serializers.CharField(),
        "lat": serializers.FloatField(), "lon": serializers.FloatField(), "url": serializers.CharField(),
    }, many=True, required=False),
    "cells": inline_serializer("PublicMapCell", CELL, many=True, required=False),
    "max": serializers.IntegerField(required=False),
})

HeatSerializer = inline_serializer("HeatMap", {
    "cells": inline_serializer("HeatMapCell", {
        **CELL, "label": serializers.CharField(),
        "categories": inline_serializer("HeatMapCategory", {"category": serializers.CharField(),
                                                            "count": serializers.IntegerField()}, many=True),
    }, many=True),
    "max": serializers.IntegerField(),
})


class PublicMapView(APIView):
    """Anyone may read the public map, as anyone may read the public list."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="public_map", summary="Published cases on the map",
        description="The published cases whose public point (rounded unless a moderator approved the exact one) "
                    "lies in the box: each case for a box up to about 4 km tall, otherwise counts per grid cell. "
                    "Filtered like the public list.",
        parameters=[_query("bbox", description="west,south,east,north in WGS-84 degrees (default: the city)."),
                    _query("q"), _query("category", OpenApiTypes.INT), _query("region", OpenApiTypes.INT),
                    _query("department", OpenApiTypes.INT), _query("kind"), _query("status")],
        responses={200: MapDataSerializer, **error_responses(400)},
    )
    def get(self, request):
        form = MapDataForm(request.query_params)
        if not form.is_valid():
            raise form_errors(form)
        data = public_map_data(form.filters(), form.cleaned_data["bbox"] or city_bounds())
        for point in data.get("points", []):
            point["url"] = reverse("publication:case_detail", kwargs={"tracking_number": point["tracking_number"]})
        return Response(data)


class HeatMapView(APIView):
    permission_classes = [*APIView.permission_classes, IsSupervisor]

    @extend_schema(
        operation_id="supervision_heat_map", summary="Cases by place and category (supervisors)",
        description="Cases with a point filed in the period, counted per grid cell (about 550 m) and category, "
                    "scoped like the dashboard.",
        parameters=[_query("start", OpenApiTypes.DATE), _query("end", OpenApiTypes.DATE),
                    _query("department", OpenApiTypes.INT), _query("category", OpenApiTypes.INT),
                    _query("region", OpenApiTypes.INT)],
        responses={200: HeatSerializer, **error_responses(400, 403)},
    )
    def get(self, request):
        form = DashboardForm(request.query_params)
        if request.query_params and not form.is_valid():
            raise form_errors(form)
        scope, _group, _sort = form.scope()
        cells = heat_cells(scope)
        return Response({"cells": cells, "max": max((cell["count"] for cell in cells), default=0)})
