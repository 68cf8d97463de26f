from django.urls import path

from consultations import views
from consultations.exports import views as export_views
from consultations.hearings import views as hearing_views

app_name = "consultations"
urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("feed/", views.ConsultationsFeed(), name="feed"),
    path("mine/", views.my_comments, name="mine"),
    path("new/", views.consultation_new, name="new"),
    path("<int:consultation_id>/", views.consultation_detail, name="detail"),
    path("<int:consultation_id>/sections/<int:number>/", views.section_comments, name="section"),
    path("invalidate/", views.invalidate, name="invalidate"),
    path("<int:consultation_id>/documents/<int:document_id>/", views.document_download, name="document"),
    path("<int:consultation_id>/comment/", views.comment_submit, name="comment"),
    path("comments/<int:comment_id>/edit/", views.comment_edit, name="comment_edit"),
    path("<int:consultation_id>/manage/", views.consultation_manage, name="manage"),
    path("<int:consultation_id>/text/", views.consultation_text, name="text"),
    path("<int:consultation_id>/publish/", views.consultation_publish, name="publish"),
    path("<int:consultation_id>/documents/", views.document_add, name="document_add"),
    path("<int:consultation_id>/feedback/", views.feedback_set, name="feedback"),
    path("<int:consultation_id>/report/", views.report_publish, name="report"),
    path("<int:consultation_id>/export/", export_views.export_start, name="export"),
    path("<int:consultation_id>/exports/<int:export_id>/", export_views.export_status, name="export_status"),
    path("<int:consultation_id>/exports/<int:export_id>/download/", export_views.export_download,
         name="export_download"),
    path("<int:consultation_id>/moderate/", views.comments_moderate, name="moderate"),
    path("<int:consultation_id>/hearings/", hearing_views.hearings_manage, name="hearings"),
    path("<int:consultation_id>/hearings/<int:hearing_id>/", hearing_views.hearing_detail, name="hearing"),
    path("<int:consultation_id>/hearings/<int:hearing_id>/apply/", hearing_views.hearing_apply,
         name="hearing_apply"),
    path("<int:consultation_id>/hearings/<int:hearing_id>/minutes.pdf", hearing_views.minutes_download,
         name="hearing_minutes_file"),
    path("<int:consultation_id>/hearings/<int:hearing_id>/applications/", hearing_views.hearing_applications,
         name="hearing_applications"),
    path("<int:consultation_id>/hearings/<int:hearing_id>/minutes/", hearing_views.minutes_publish,
         name="hearing_minutes"),
]
