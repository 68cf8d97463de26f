from django.contrib import admin

from notifications.models import Notification
from portal.admin_mixins import ReadOnlyAdminMixin


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["event", "recipient", "email", "case", "created_at", "read_at", "emailed_at"]
    list_filter = ["event"]
    list_select_related = ["recipient", "case"]
    search_fields = ["email", "case__tracking_number"]
    show_full_result_count = False
