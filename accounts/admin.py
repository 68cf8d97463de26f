from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import Department, DepartmentMembership, User


class MembershipInline(admin.TabularInline):
    model = DepartmentMembership
    extra = 1
    autocomplete_fields = ["department"]


class UserAdminForm(UserChangeForm):
    def clean_phone(self):
        # The admin writes the number in E.164 like every other input path.
        from accounts.phones import mobile_or_error

        raw = (self.cleaned_data.get("phone") or "").strip()
        return mobile_or_error(raw) if raw else ""


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserAdminForm
    ordering = ["email"]
    list_display = ["email", "full_name", "masked_phone", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups",
                   ("email_confirmed_at", admin.EmptyFieldListFilter),
                   ("phone_confirmed_at", admin.EmptyFieldListFilter)]
    # Set only by the person following the link e-mailed to them, or typing
    # the code texted to them (accounts.services).
    readonly_fields = ["email_confirmed_at", "phone_confirmed_at"]
    search_fields = ["email", "full_name", "phone"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal details"), {"fields": ("full_name", "phone", "notify_by", "notify_daily_digest")}),
        (_("Roles and permissions"), {
            "fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions"),
            "description": _("Roles are groups: operator, dispatcher, supervisor, moderator. "
                             "Officials are users with a department below."),
        }),
        (_("Important dates"), {"fields": ("last_login", "date_joined", "email_confirmed_at",
                                                     "phone_confirmed_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)

    def save_model(self, request, obj, form, change):
        if change and "email" in form.changed_data:
            # A new address is the account's only once its owner follows a
            # link sent to it (the account menu offers one).
            obj.email_confirmed_at = None
        if change and "phone" in form.changed_data:
            obj.phone_confirmed_at = None
        super().save_model(request, obj, form, change)


    def get_search_results(self, request, queryset, search_term):
        # A number typed any way (138 1234 5678) finds the account stored in E.164.
        from accounts.phones import normalise_phone

        results, duplicates = super().get_search_results(request, queryset, search_term)
        phone = normalise_phone(search_term)
        if phone:
            results |= queryset.filter(phone=phone)
        return results, duplicates

    @admin.display(description=_("mobile number"), ordering="phone")
    def masked_phone(self, user):
        from accounts.phones import mask_phone

        return mask_phone(user.phone) if user.phone else ""


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "name_en", "parent", "requires_head_approval", "is_active"]
    list_filter = ["is_active", "requires_head_approval", "parent"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["parent"]
