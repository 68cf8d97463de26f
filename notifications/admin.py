from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.phones import mask_phone
from notifications.models import Notification, SmsMessage, SmsOptOut
from notifications.services import sms_requeue
from portal.admin_mixins import ReadOnlyAdminMixin


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["event", "recipient", "email", "case", "created_at", "read_at", "emailed_at"]
    list_filter = ["event"]
    list_select_related = ["recipient", "case"]
    search_fields = ["email", "case__tracking_number"]
    show_full_result_count = False


@admin.register(SmsMessage)
class SmsMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Texts and how they went: a failed one shows the gateway's error, and
    may be sent again once the cause is fixed."""

    list_display = ["created_at", "kind", "masked_phone", "case", "status", "attempts", "not_before", "sent_at",
                    "last_error"]
    list_filter = ["status", "kind"]
    list_select_related = ["case"]
    search_fields = ["case__tracking_number"]
    exclude = ["phone", "params"]
    readonly_fields = ["masked_phone"]
    show_full_result_count = False
    actions = ["send_again"]

    @admin.display(description=_("mobile number"))
    def masked_phone(self, message):
        return mask_phone(message.phone)

    @admin.action(description=_("Send the selected texts again"), permissions=["view"])
    def send_again(self, request, queryset):
        count = sms_requeue(message_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, ngettext(
            "%(count)d text will be sent again within a minute.",
            "%(count)d texts will be sent again within a minute.", count) % {"count": count}, messages.SUCCESS)


@admin.register(SmsOptOut)
class SmsOptOutAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["masked_phone", "source", "created_at"]
    exclude = ["phone"]
    readonly_fields = ["masked_phone"]

    @admin.display(description=_("mobile number"))
    def masked_phone(self, row):
        return mask_phone(row.phone)
