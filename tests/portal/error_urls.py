"""The portal's URLs plus views that fail in each way the error pages cover."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import path
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from portal import urls as portal_urls


def forbidden(request):
    raise PermissionDenied


def missing(request):
    raise Http404


@ratelimit(key="ip", rate="0/m", block=True)
def limited(request):
    return HttpResponse("not limited")


def broken(request):
    raise RuntimeError("a bug")


@require_POST
def form(request):
    return HttpResponse("saved")


handler400 = portal_urls.handler400
handler500 = portal_urls.handler500
urlpatterns = [
    path("test-errors/forbidden/", forbidden),
    path("test-errors/missing/", missing),
    path("test-errors/limited/", limited),
    path("test-errors/broken/", broken),
    path("test-errors/form/", form),
    *portal_urls.urlpatterns,
]
