from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from petitions.models import Attachment, Case, Category, Region, RejectionReason
from portal.admin_mixins import ReadOnlyAdminMixin


class TreeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "parent", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["parent"]


admin.site.register(Category, TreeAdmin)
admin.site.register(Region, TreeAdmin)


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["original_name", "content_type", "size", "uploaded_at"]
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Read-only: a case changes state only through the lifecycle services,
    so every change is checked and recorded."""

    list_display = ["tracking_number", "title", "kind", "status", "lead_department", "submitted_at"]
    list_filter = ["status", "kind", "urgency", "channel"]
    search_fields = ["tracking_number", "title"]
    list_select_related = ["lead_department"]
    inlines = [AttachmentInline]
    show_full_result_count = False


@admin.register(RejectionReason)
class RejectionReasonAdmin(admin.ModelAdmin):
    list_display = ["order", "name", "name_en", "is_active"]
    list_display_links = ["name"]
    list_editable = ["order", "is_active"]
