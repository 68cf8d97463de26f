from django.contrib import admin

from portal.admin_mixins import ReadOnlyAdminMixin
from signatures.models import (
    Petition,
    PetitionHearing,
    PetitionSettings,
    Signature,
    SignatureInvalidation,
    SurgeAlert,
    SurgeSettings,
)


class SingletonAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not self.model.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(PetitionSettings, SingletonAdmin)
admin.site.register(SurgeSettings, SingletonAdmin)


@admin.register(Petition)
class PetitionAdmin(admin.ModelAdmin):
    """Thresholds and the closing time are editable per petition; the count
    and the crossings are written only by the services."""

    list_display = ["case", "confirmed_count", "response_threshold", "hearing_threshold", "opened_at", "closes_at"]
    list_select_related = ["case"]
    search_fields = ["case__tracking_number", "case__title"]
    fields = ["case", "opened_at", "closes_at", "response_threshold", "hearing_threshold", "confirmed_count",
              "response_threshold_reached_at", "hearing_threshold_reached_at", "response_reply",
              "response_recorded_at"]
    readonly_fields = ["case", "opened_at", "confirmed_count", "response_threshold_reached_at",
                       "hearing_threshold_reached_at", "response_reply", "response_recorded_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["petition", "name", "email_domain", "ip_address", "created_at", "confirmed_at", "invalidated_at"]
    list_filter = ["confirmed_at", "invalidated_at"]
    search_fields = ["email_normalised", "ip_address"]
    list_select_related = ["petition__case"]


@admin.register(SignatureInvalidation)
class SignatureInvalidationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["performed_at", "performed_by", "invalidated", "confirmed_removed", "reason"]
    list_select_related = ["performed_by"]


@admin.register(PetitionHearing)
class PetitionHearingAdmin(admin.ModelAdmin):
    list_display = ["petition", "escalated_at", "signatures_at_escalation", "held_at"]
    list_select_related = ["petition__case"]
    readonly_fields = ["petition", "escalated_at", "signatures_at_escalation"]

    def has_add_permission(self, request):
        return False


@admin.register(SurgeAlert)
class SurgeAlertAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "dimension", "category", "region", "window_start", "case_count", "threshold", "state"]
    list_filter = ["state", "dimension"]
    list_select_related = ["category", "region"]
