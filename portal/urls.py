from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts import views as accounts_views
from petitions.views import home
from portal import health
from twofactor.views import admin_login

admin.site.site_header = _("Wenzheng administration")
admin.site.site_title = _("Wenzheng")
admin.site.login = admin_login  # one login for the whole site, with its second step

# Under /api/ these answer in the API's one error shape; elsewhere, the site's pages.
handler400 = "api.errors.handler400"
handler500 = "api.errors.handler500"

urlpatterns = [
    # First: the API takes the busiest requests (a submission, an inbox), and
    # the resolver tries patterns in order.
    path("api/", include("api.urls")),
    path("", home, name="home"),
    # Its paths (petitions/..., supervision/signatures/..., supervision/surges/...)
    # match none of the other includes', so their order does not matter.
    path("", include("signatures.urls")),
    path("", include("petitions.urls")),
    path("", include("responses.urls")),
    path("", include("supervision.urls")),
    path("accounts/two-factor/", include("twofactor.urls")),
    path("accounts/", include("accounts.urls")),
    path("notifications/", include("notifications.urls")),
    path("interviews/", include("interviews.urls")),
    path("oversight/", include("oversight.urls")),
    path("consultations/", include("consultations.urls")),
    path("", include("publication.urls")),
    path("", include("places.urls")),
    path("open311/", include("open311.urls")),
    path("accounts/api-tokens/", include("api.page_urls")),
    path("about/", include("portal.pages")),
    # Django's language switch; a logged-in person's choice is kept for their e-mails.
    path("i18n/setlang/", accounts_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("health/web", health.web, name="health_web"),
    path("health/worker", health.worker, name="health_worker"),
    path("health/beat", health.beat, name="health_beat"),
]
