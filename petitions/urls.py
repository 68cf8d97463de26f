from django.urls import path

from petitions import views

app_name = "petitions"
urlpatterns = [
    path("cases/new/", views.case_submit_view, name="case_submit"),
    path("cases/record/", views.case_record_view, name="case_record"),
    path("cases/<int:case_id>/", views.case_detail, name="case_detail"),
    path("cases/<int:case_id>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("my/cases/", views.my_cases, name="my_cases"),
    path("track/", views.case_lookup_view, name="case_lookup"),
    path("t/<str:number>/", views.case_short_link, name="case_short_link"),
]
