from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from petitions.views import home

admin.site.site_header = _("Wenzheng administration")
admin.site.site_title = _("Wenzheng")

urlpatterns = [
    path("", home, name="home"),
    path("", include("petitions.urls")),
    path("", include("responses.urls")),
    path("", include("supervision.urls")),
    path("accounts/", include("accounts.urls")),
    path("notifications/", include("notifications.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
