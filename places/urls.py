from django.urls import path

from places import views

app_name = "places"
urlpatterns = [
    path("public/map/", views.public_map, name="public_map"),
]
