from django.contrib import admin

from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["event", "recipient", "email", "case", "created_at", "read_at", "emailed_at"]
    list_filter = ["event"]
    list_select_related = ["recipient", "case"]
    search_fields = ["email", "case__tracking_number"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
