"""Administrators make tokens for system accounts (a program that files
cases, an Open311 bridge) and revoke any token. The token is shown once,
in the message after saving; only its hash is stored."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from api.models import ApiToken
from api.services import token_create, token_revoke


class ApiTokenAddForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["user", "name"]

    def clean_user(self):
        user = self.cleaned_data["user"]
        if not user.is_active:
            raise forms.ValidationError(_("This account is not active."), code="inactive")
        return user


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked"]
    list_filter = ["revoked"]
    search_fields = ["name", "prefix", "user__email"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    actions = ["revoke_tokens"]
    readonly_after_creation = ["user", "name", "prefix", "created_at", "created_by", "last_used_at", "revoked",
                               "revoked_at"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ["user", "name"] if obj is None else self.readonly_after_creation

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_after_creation

    def has_delete_permission(self, request, obj=None):
        return False  # revoked tokens stay, for the record of who could act

    def has_add_permission(self, request):
        # Only an administrator makes a token for another account (token_create's rule).
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        if change:
            return
        token, key = token_create(actor=request.user, user=obj.user, name=obj.name)
        obj.pk, obj.prefix, obj.key_hash, obj.created_at = token.pk, token.prefix, token.key_hash, token.created_at
        self.message_user(
            request,
            _("The token for %(user)s is: %(key)s — copy it now; it is not shown again.")
            % {"user": obj.user, "key": key},
            messages.WARNING,
        )

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke_tokens(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked=False):
            token_revoke(actor=request.user, token_id=token.pk)
            count += 1
        self.message_user(request, ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
                          % {"count": count})
