from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from portal.admin_mixins import ReadOnlyAdminMixin
from responses.models import ReplyTemplate, ReturnRequest, RoutingDecision, RoutingRule


@admin.register(RoutingRule)
class RoutingRuleAdmin(SimpleHistoryAdmin):
    list_display = ["priority", "name", "kind", "category", "region", "area", "lead_department", "is_active"]
    list_display_links = ["name"]
    list_filter = ["is_active", "kind", "lead_department"]
    search_fields = ["name", "keywords"]
    list_select_related = ["category", "region", "area", "lead_department"]
    autocomplete_fields = ["lead_department", "area"]


@admin.register(RoutingDecision)
class RoutingDecisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["case", "method", "rule", "department", "decided_by", "decided_at"]
    list_filter = ["method"]
    list_select_related = ["case", "rule", "department", "decided_by"]


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "is_active"]
    list_filter = ["is_active", "category"]
    search_fields = ["title", "body"]
    list_select_related = ["category"]


@admin.register(ReturnRequest)
class ReturnRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: returns are decided in the routing centre."""

    list_display = ["case", "department", "returned_by", "returned_at", "decision", "decided_at"]
    list_filter = ["decision"]
    list_select_related = ["case", "department", "returned_by"]
