from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.views import account, cases, phone, supervision, work
from places import api as places_api

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its set-up script as a file: the CSP allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("v1/me/", account.MeView.as_view(), name="me"),
    path("v1/tokens/", account.TokenListView.as_view(), name="tokens"),
    path("v1/auth/phone/code/", phone.PhoneCodeView.as_view(), name="phone-code"),
    path("v1/auth/phone/token/", phone.PhoneTokenView.as_view(), name="phone-token"),
    path("v1/tokens/<int:token_id>/revoke/", account.TokenRevokeView.as_view(), name="token-revoke"),
    path("v1/cases/", cases.CaseListView.as_view(), name="cases"),
    path("v1/cases/record/", cases.CaseRecordView.as_view(), name="case-record"),
    path("v1/cases/<str:tracking>/", cases.CaseDetailView.as_view(), name="case-detail"),
    path("v1/cases/<str:tracking>/actions/", cases.CaseActionsView.as_view(), name="case-actions"),
    path("v1/cases/<str:tracking>/actions/<str:action>/", cases.CaseActionView.as_view(), name="case-action"),
    path("v1/cases/<str:tracking>/supervision/", supervision.CaseSupervisionView.as_view(), name="case-supervision"),
    path("v1/inbox/", work.InboxView.as_view(), name="inbox"),
    path("v1/routing-centre/", work.RoutingCentreView.as_view(), name="routing-centre"),
    path("v1/supervision/cases/", supervision.OverviewView.as_view(), name="supervision-cases"),
    path("v1/supervision/deadlines/", supervision.DeadlinesView.as_view(), name="supervision-deadlines"),
    path("v1/supervision/extensions/", supervision.PendingExtensionsView.as_view(), name="supervision-extensions"),
    path("v1/supervision/rates/", supervision.RatesView.as_view(), name="supervision-rates"),
    path("v1/interviews/", include("interviews.api")),
    path("v1/map/cases/", places_api.PublicMapView.as_view(), name="map-cases"),
    path("v1/supervision/heat-map/", places_api.HeatMapView.as_view(), name="supervision-heat-map"),
    path("v1/oversight/", include("oversight.api")),
    path("v1/consultations/", include("consultations.api")),
    # Anything else under v1 answers 404 in the API's error shape, not the site's page.
    re_path(r"^v1/", account.NotFoundView.as_view()),
]
