"""GeoReport v2 under /open311/v2/, the format named by the extension;
service discovery also at /open311/discovery.<format>, the address the
spec wants to stay fixed across versions."""

from django.urls import re_path

from open311 import views

app_name = "open311"

FORMAT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FORMAT, views.discovery, name="discovery"),
    re_path(r"^v2/discovery" + FORMAT, views.discovery, name="v2-discovery"),
    re_path(r"^v2/services" + FORMAT, views.service_list, name="services"),
    re_path(r"^v2/services/(?P<service_code>[^/]+?)" + FORMAT, views.service_definition, name="service"),
    re_path(r"^v2/requests" + FORMAT, views.requests, name="requests"),
    re_path(r"^v2/requests/(?P<service_request_id>[^/]+?)" + FORMAT, views.request_detail, name="request"),
    re_path(r"^v2/tokens/(?P<token>[^/]+?)" + FORMAT, views.token_detail, name="token"),
    re_path(r"^v2/(?P<path>.*)$", views.unknown_resource),
]
