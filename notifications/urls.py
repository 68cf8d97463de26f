from django.urls import path

from notifications import views
from notifications.sms.inbound import sms_inbound

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:notification_id>/open/", views.notification_open, name="open"),
    path("read-all/", views.notifications_read_all, name="read_all"),
    path("sms/inbound/", sms_inbound, name="sms_inbound"),
]
