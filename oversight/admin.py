"""Administrators read the log of staff reads of reports (read-only); the
reports themselves are handled on the supervisors' pages."""

from django.contrib import admin

from oversight.models import ReportRead


@admin.register(ReportRead)
class ReportReadAdmin(admin.ModelAdmin):
    list_display = ["report", "reader", "read_at", "via"]
    list_filter = ["via"]
    # An administrator asked who read one report looks it up by its number.
    search_fields = ["report__tracking_number"]
    list_select_related = ["report", "reader"]
    date_hierarchy = "read_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
