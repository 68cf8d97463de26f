from django.urls import path

from responses import views

app_name = "responses"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/sign-for/", views.inbox_sign_for, name="inbox_sign_for"),
    path("routing-centre/", views.routing_centre, name="routing_centre"),
    path("cases/<int:case_id>/actions/<slug:name>/", views.case_action, name="case_action"),
]
