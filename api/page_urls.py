from django.urls import path

from api import pages

app_name = "api_pages"
urlpatterns = [
    path("", pages.token_list, name="tokens"),
    path("<int:token_id>/revoke/", pages.token_revoke_view, name="revoke"),
]
