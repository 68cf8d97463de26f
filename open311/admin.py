"""Open311 in the admin: which categories are offered and their questions,
and the client applications' API keys (the key is shown once, on creation)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from open311.keys import api_key_set_secret, new_secret
from open311.models import ApiKey, AttributeValue, Service, ServiceAttribute, ServiceRequest
from portal.admin_mixins import ReadOnlyAdminMixin


class ServiceAttributeInline(admin.TabularInline):
    model = ServiceAttribute
    extra = 0
    fields = ["order", "code", "description", "datatype", "required", "variable"]
    show_change_link = True  # the options of a list attribute are edited on its own page


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["category", "is_offered", "type", "case_kind", "updated_at"]
    list_filter = ["is_offered", "type", "case_kind"]
    search_fields = ["category__code", "category__name", "category__name_en", "keywords"]
    list_select_related = ["category"]
    autocomplete_fields = ["category"]
    inlines = [ServiceAttributeInline]


class AttributeValueInline(admin.TabularInline):
    model = AttributeValue
    extra = 1
    fields = ["order", "key", "name"]


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(admin.ModelAdmin):
    list_display = ["service", "order", "code", "datatype", "required", "variable"]
    list_filter = ["datatype", "required"]
    search_fields = ["code", "description", "service__category__code"]
    list_select_related = ["service__category"]
    inlines = [AttributeValueInline]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "region", "cases_public", "is_active", "created_at", "last_used_at"]
    list_filter = ["is_active", "cases_public"]
    search_fields = ["name", "prefix", "user__email"]
    list_select_related = ["user", "region"]
    autocomplete_fields = ["user", "region"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    actions = ["deactivate"]

    def save_model(self, request, obj, form, change):
        if not change:
            raw = new_secret()
            api_key_set_secret(obj, raw)
            super().save_model(request, obj, form, change)
            messages.warning(request, _("The new API key is %(key)s — copy it now: it is stored only as a hash "
                                        "and cannot be shown again.") % {"key": raw})
            return
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return False  # the requests a key sent keep naming it; deactivate instead

    @admin.action(description=_("Deactivate the selected keys"))
    def deactivate(self, request, queryset):
        queryset.update(is_active=False)


@admin.register(ServiceRequest)
class ServiceRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["case", "api_key", "created_at"]
    list_select_related = ["case", "api_key"]
    search_fields = ["case__tracking_number", "token"]
    show_full_result_count = False
