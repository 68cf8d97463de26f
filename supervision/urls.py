from django.urls import path

from supervision import views

app_name = "supervision"
urlpatterns = [
    path("supervision/cases/", views.overview, name="overview"),
    path("supervision/", views.dashboard, name="dashboard"),
    path("supervision/export.<str:fmt>", views.dashboard_export, name="dashboard_export"),
    path("supervision/drill/", views.drill_down, name="drill_down"),
    path("supervision/deadlines/", views.deadlines, name="deadlines"),
    path("supervision/exports/", views.export_start, name="export_start"),
    path("supervision/exports/<int:job_id>/", views.export_status, name="export_status"),
    path("supervision/exports/<int:job_id>/download/", views.export_download, name="export_download"),
]
