from django.urls import path

from responses import views

app_name = "responses"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("routing-centre/", views.routing_centre, name="routing_centre"),
    path("cases/<int:case_id>/sign-for/", views.case_sign_for_view, name="case_sign_for"),
    path("cases/<int:case_id>/reply/", views.case_reply_view, name="case_reply"),
    path("cases/<int:case_id>/dispatch/", views.case_dispatch_view, name="case_dispatch"),
]
