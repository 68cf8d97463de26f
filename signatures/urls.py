from django.urls import path

from signatures import views

app_name = "signatures"
urlpatterns = [
    path("petitions/", views.petition_list, name="list"),
    path("petitions/confirm/<str:token>/", views.signature_confirm_view, name="confirm"),
    path("petitions/<str:tracking_number>/", views.petition_detail, name="detail"),
    path("supervision/signatures/invalidate/", views.invalidate, name="invalidate"),
    path("supervision/surges/<int:alert_id>/", views.surge_alert_detail, name="surge_alert"),
    path("supervision/surges/<int:alert_id>/close/", views.surge_alert_close_view, name="surge_alert_close"),
]
