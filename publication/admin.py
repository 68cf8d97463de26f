from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from portal.admin_mixins import ReadOnlyAdminMixin
from publication.models import Publication, PublicationRejectionReason


@admin.register(PublicationRejectionReason)
class PublicationRejectionReasonAdmin(admin.ModelAdmin):
    list_display = ["order", "name", "name_en", "is_active"]
    list_display_links = ["name"]
    list_editable = ["order", "is_active"]


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Read-only: moderators decide on the moderation pages, through the
    services, so every decision is checked and recorded."""

    list_display = ["case", "state", "redacted", "department", "published_at", "moderated_by", "moderated_at"]
    list_filter = ["state", "redacted", "public_status"]
    search_fields = ["case__tracking_number", "title"]
    list_select_related = ["case", "department", "moderated_by"]
    exclude = ["search_document"]
    show_full_result_count = False
