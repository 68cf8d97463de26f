from django.urls import path

from publication import feeds, views

app_name = "publication"
urlpatterns = [
    path("public/cases/", views.case_list, name="case_list"),
    path("public/cases.<str:fmt>", views.cases_export, name="cases_export"),
    path("public/cases/<str:tracking_number>/", views.case_detail, name="case_detail"),
    path("public/cases/<str:tracking_number>/follow/", views.follow_case, name="follow_case"),
    path("public/cases/<str:tracking_number>/unfollow/", views.unfollow_case, name="unfollow_case"),
    path("public/following/", views.following, name="following"),
    path("public/similar/", views.similar_cases, name="similar_cases"),
    path("public/departments/", views.department_list, name="department_list"),
    path("public/departments/rates.<str:fmt>", views.rates_export, name="rates_export"),
    path("public/departments/<slug:code>/", views.department_detail, name="department_detail"),
    path("public/ledger/", views.ledger, name="ledger"),
    path("public/ledger/checkpoints.<str:fmt>", views.ledger_export, name="ledger_export"),
    path("public/feeds/departments/<slug:code>/", feeds.DepartmentFeed(), name="department_feed"),
    path("public/feeds/categories/<slug:code>/", feeds.CategoryFeed(), name="category_feed"),
    path("moderation/", views.moderation_queue, name="moderation_queue"),
    path("moderation/cases/<int:case_id>/", views.moderate_case, name="moderate_case"),
    path("cases/<int:case_id>/public-name/", views.author_name, name="author_name"),
]
