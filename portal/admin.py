"""The task records, read-only: the task machinery writes them."""

from django.contrib import admin

from portal.admin_mixins import ReadOnlyAdminMixin
from portal.models import FailedTask, TaskClaim


@admin.register(FailedTask)
class FailedTaskAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["task_name", "arguments", "exception", "attempts", "failures", "first_failed_at",
                    "last_failed_at"]
    list_filter = ["task_name"]
    search_fields = ["task_name", "arguments", "exception"]
    date_hierarchy = "last_failed_at"


@admin.register(TaskClaim)
class TaskClaimAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["key", "claimed_at"]
    search_fields = ["key"]
