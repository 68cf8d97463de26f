from django.urls import path

from interviews import views

app_name = "interviews"
urlpatterns = [
    path("", views.interview_list, name="list"),
    path("new/", views.interview_new, name="new"),
    path("<int:interview_id>/", views.interview_detail, name="detail"),
    path("<int:interview_id>/live/", views.interview_live, name="live"),
    path("<int:interview_id>/ask/", views.interview_ask, name="ask"),
    path("<int:interview_id>/ask-by-email/", views.interview_ask_by_email, name="ask_by_email"),
    path("confirm/<str:token>/", views.question_confirm, name="confirm"),
    path("<int:interview_id>/questions/<int:question_id>/support/", views.question_support, name="support"),
    path("<int:interview_id>/manage/", views.interview_manage, name="manage"),
    path("<int:interview_id>/questions/<int:question_id>/screen/", views.question_screen, name="screen"),
    path("<int:interview_id>/answers/", views.answer_post, name="answer"),
    path("<int:interview_id>/start/", views.interview_start, name="start"),
    path("<int:interview_id>/close/", views.interview_close, name="close"),
]
