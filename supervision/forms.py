"""Forms for deadlines: extensions, supervision orders, feedback."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from responses.forms import CaseActionForm
from supervision.models import ClockKind, ClockState, Extension, Feedback, SupervisionClock, SupervisionOrder


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ExtensionRequestForm(CaseActionForm):
    clock = forms.ModelChoiceField(label=_("Deadline"), queryset=SupervisionClock.objects.none(), empty_label=None)
    new_due_at = forms.DateTimeField(label=_("New due time asked for"), widget=LocalDateTimeInput())
    reason = forms.CharField(label=_("Why more time is needed"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clock"].queryset = SupervisionClock.objects.filter(
            case=self.case, kind__in=[ClockKind.SIGN_FOR, ClockKind.REPLY, ClockKind.REHANDLING],
            state__in=[ClockState.RUNNING, ClockState.PAUSED],
        )
        self.fields["clock"].label_from_instance = lambda clock: _("%(clock)s, due %(due)s") % {
            "clock": clock.get_kind_display(), "due": timezone.localtime(clock.due_at).strftime("%Y-%m-%d %H:%M")}


class ExtensionDecisionForm(CaseActionForm):
    extension = forms.ModelChoiceField(label=_("Extension asked for"), queryset=Extension.objects.none(),
                                       empty_label=None)
    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
                                 widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note (required when refusing)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["extension"].queryset = Extension.objects.filter(
            clock__case=self.case, state=Extension.State.PENDING).select_related("clock", "requested_by")
        self.fields["extension"].label_from_instance = lambda ext: _(
            "%(clock)s to %(due)s, asked by %(who)s: %(reason)s") % {
            "clock": ext.clock.get_kind_display(), "who": ext.requested_by,
            "due": timezone.localtime(ext.requested_due_at).strftime("%Y-%m-%d %H:%M"), "reason": ext.reason}


class OrderIssueForm(CaseActionForm):
    instructions = forms.CharField(label=_("Instructions to the department"), max_length=5000,
                                   widget=forms.Textarea(attrs={"rows": 4}))
    due_at = forms.DateTimeField(label=_("Answer due by"), widget=LocalDateTimeInput())

    def clean_due_at(self):
        due_at = self.cleaned_data["due_at"]
        if due_at <= timezone.now():
            raise forms.ValidationError(_("The answer must be due in the future."))
        return due_at


class OrderAnswerForm(CaseActionForm):
    order = forms.ModelChoiceField(label=_("Supervision order"), queryset=SupervisionOrder.objects.none(),
                                   empty_label=None)
    response = forms.CharField(label=_("Your department's answer"), max_length=5000,
                               widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].queryset = SupervisionOrder.objects.filter(case=self.case,
                                                                        state=SupervisionOrder.State.OPEN)
        self.fields["order"].label_from_instance = lambda order: order.instructions[:100]


class OrderCloseForm(CaseActionForm):
    order = forms.ModelChoiceField(label=_("Supervision order"), queryset=SupervisionOrder.objects.none(),
                                   empty_label=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].queryset = SupervisionOrder.objects.filter(case=self.case).exclude(
            state=SupervisionOrder.State.CLOSED)
        self.fields["order"].label_from_instance = lambda order: order.instructions[:100]


class FeedbackForm(CaseActionForm):
    resolved = forms.TypedChoiceField(label=_("Was your problem resolved?"), coerce=lambda value: value == "yes",
                                      choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect)
    satisfaction = forms.ChoiceField(label=_("How satisfied are you with the answer?"),
                                     choices=Feedback.Satisfaction.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    reopen = forms.BooleanField(
        label=_("I am not satisfied: please handle my case again (possible once)."), required=False)


class DashboardForm(forms.Form):
    """The period and scope of the supervisors' dashboard."""

    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Until (inclusive)"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    department = forms.ModelChoiceField(label=_("Department"), required=False, queryset=None, empty_label=_("All"))
    category = forms.ModelChoiceField(label=_("Category"), required=False, queryset=None, empty_label=_("All"))
    region = forms.ModelChoiceField(label=_("Region"), required=False, queryset=None, empty_label=_("All"))
    group = forms.ChoiceField(label=_("Group by"), required=False, choices=[
        ("department", _("department")), ("category", _("category")), ("region", _("region"))])
    sort = forms.ChoiceField(label=_("Order by"), required=False, choices=[
        ("response_rate", _("response rate")), ("on_time_rate", _("on-time reply rate")),
        ("resolution_rate", _("resolution rate")), ("satisfaction_rate", _("satisfaction rate")),
        ("overdue", _("overdue"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.models import Department
        from petitions.models import Category, Region

        self.fields["department"].queryset = Department.objects.filter(is_active=True)
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["region"].queryset = Region.objects.filter(is_active=True)

    def scope(self):
        """(Scope, group, sort) from the form; this year so far by default."""
        import datetime

        from supervision.metrics import Scope

        data = self.cleaned_data if self.is_valid() else {}
        today = timezone.localdate()
        start = data.get("start") or today.replace(month=1, day=1)
        end = data.get("end") or today
        aware = lambda day: timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))  # noqa: E731
        scope = Scope(
            start=aware(start), end=aware(end + datetime.timedelta(days=1)),
            department_id=data["department"].pk if data.get("department") else None,
            category_id=data["category"].pk if data.get("category") else None,
            region_id=data["region"].pk if data.get("region") else None,
        )
        return scope, data.get("group") or "department", data.get("sort") or "response_rate"


def drill_scope(params) -> tuple:
    """(metric, Scope) for the cases behind one dashboard number: the
    dashboard's filters plus the row's key. ValueError for an unknown metric."""
    from supervision.metrics import METRIC_CASES, Scope

    metric = params.get("metric", "")
    if metric not in METRIC_CASES:
        raise ValueError(metric)
    scope, group, _sort = DashboardForm(params).scope()
    key = params.get("key")
    if key and str(key).isdigit():
        field = {"department": "department_id", "category": "category_id", "region": "region_id"}[group]
        scope = Scope(**{**scope.__dict__, field: int(key)})
    return metric, scope
