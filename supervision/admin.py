"""Administration of deadlines: the calendar and the policy table are edited
here; supervision records are read-only, and a due time is changed only by
the correction form, which asks for a reason and goes into the clock's
history."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.admin_mixins import ReadOnlyAdminMixin
from portal.errors import DomainError
from supervision.models import (
    CalendarDay,
    CalendarYear,
    ClockEvent,
    DeadlinePolicy,
    Extension,
    Feedback,
    LedgerCheckpoint,
    SupervisionClock,
    SupervisionOrder,
)
from supervision.services import clock_correct


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["name"]


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source", "entered_at"]


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = ["clock", "case_kind", "urgency", "amount", "unit", "warn_fraction", "escalate_after_working_days"]
    list_filter = ["clock", "unit"]
    list_editable = ["amount", "unit"]


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


class ClockEventInline(admin.TabularInline):
    model = ClockEvent
    fields = ["sequence", "action", "at", "actor", "reason", "ledger_sequence"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class CorrectionForm(forms.Form):
    new_due_at = forms.DateTimeField(label=_("New due time"))
    reason = forms.CharField(label=_("Reason for the correction"), widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(SupervisionClock)
class SupervisionClockAdmin(ReadOnlyAdmin):
    list_display = ["case", "kind", "department", "state", "started_at", "due_at", "stopped_at"]
    list_filter = ["kind", "state"]
    list_select_related = ["case", "department"]
    search_fields = ["case__tracking_number"]
    readonly_fields = ["correct_link"]
    inlines = [ClockEventInline]
    show_full_result_count = False

    @admin.display(description=_("Correction"))
    def correct_link(self, clock):
        url = reverse("admin:supervision_supervisionclock_correct", args=[clock.pk])
        return format_html('<a href="{}">{}</a>', url, _("Correct the due time (with a reason)"))

    def get_urls(self):
        return [
            path("<int:clock_id>/correct/", self.admin_site.admin_view(self.correct_view),
                 name="supervision_supervisionclock_correct"),
            *super().get_urls(),
        ]

    def correct_view(self, request, clock_id: int):
        if not request.user.is_superuser:
            raise PermissionDenied
        clock = get_object_or_404(SupervisionClock, pk=clock_id)
        form = CorrectionForm(request.POST or None, initial={"new_due_at": clock.due_at})
        if request.method == "POST" and form.is_valid():
            try:
                clock_correct(actor=request.user, clock_id=clock.pk, new_due_at=form.cleaned_data["new_due_at"],
                              reason=form.cleaned_data["reason"])
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The due time was corrected and the reason recorded."))
                return redirect("admin:supervision_supervisionclock_change", clock.pk)
        context = {**self.admin_site.each_context(request), "form": form, "clock": clock,
                   "title": _("Correct a due time")}
        return render(request, "supervision/admin_correct.html", context)


@admin.register(Extension)
class ExtensionAdmin(ReadOnlyAdmin):
    list_display = ["clock", "requested_by", "requested_at", "requested_due_at", "state", "decided_by"]
    list_filter = ["state"]
    list_select_related = ["clock", "requested_by", "decided_by"]


@admin.register(SupervisionOrder)
class SupervisionOrderAdmin(ReadOnlyAdmin):
    list_display = ["case", "department", "issued_by", "issued_at", "due_at", "state"]
    list_filter = ["state"]
    list_select_related = ["case", "department", "issued_by"]


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ["case", "department", "resolved", "satisfaction", "reopened", "given_at"]
    list_filter = ["satisfaction", "resolved", "reopened"]
    list_select_related = ["case", "department"]


@admin.register(LedgerCheckpoint)
class LedgerCheckpointAdmin(ReadOnlyAdmin):
    list_display = ["day", "sequence", "hash", "taken_at"]
    date_hierarchy = "day"
