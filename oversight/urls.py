from django.urls import path

from oversight import views

app_name = "oversight"
urlpatterns = [
    path("", views.report_new, name="report"),
    path("follow/", views.report_follow_view, name="follow"),
    path("mine/", views.my_reports, name="mine"),
    path("mine/<int:report_id>/", views.my_report, name="mine_detail"),
    path("supervise/", views.queue, name="queue"),
    path("supervise/<int:report_id>/", views.report_detail, name="detail"),
    path("supervise/<int:report_id>/evidence/<int:evidence_id>/", views.evidence_download, name="evidence"),
    path("supervise/<int:report_id>/<str:action>/", views.report_action, name="action"),
    path("explanations/", views.explanation_list, name="explanations"),
    path("explanations/<int:request_id>/", views.explanation_detail, name="explanation"),
]
