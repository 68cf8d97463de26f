from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from consultations.models import (
    Comment,
    CommentInvalidation,
    Consultation,
    ConsultationSettings,
    Document,
    DraftSection,
    DraftVersion,
)
from portal.admin_mixins import ReadOnlyAdminMixin
from signatures.admin import SingletonAdmin


class SectionInline(admin.TabularInline):
    model = DraftSection
    extra = 0


class DocumentInline(admin.TabularInline):
    model = Document
    extra = 0


@admin.register(Consultation)
class ConsultationAdmin(SimpleHistoryAdmin):
    list_display = ["title", "department", "state", "opens_at", "closes_at", "version"]
    list_filter = ["state", "department"]
    search_fields = ["title"]
    # State changes go through the services (publish, correct, report).
    readonly_fields = ["state", "version", "published_at", "closed_at", "report_published_at"]
    inlines = [SectionInline, DocumentInline]


@admin.register(DraftVersion)
class DraftVersionAdmin(SimpleHistoryAdmin):
    list_display = ["consultation", "number", "published_at", "reason"]
    readonly_fields = ["consultation", "number", "sections", "reason", "published_by", "published_at"]


@admin.register(Comment)
class CommentAdmin(SimpleHistoryAdmin):
    list_display = ["consultation", "section", "stance", "moderation", "group", "submitted_at"]
    list_filter = ["moderation", "stance"]
    raw_id_fields = ["consultation", "section", "author", "group"]


@admin.register(CommentInvalidation)
class CommentInvalidationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["performed_at", "performed_by", "consultation", "ip_address", "invalidated", "reason"]


admin.site.register(ConsultationSettings, SingletonAdmin)
