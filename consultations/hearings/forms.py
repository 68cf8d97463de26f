from django import forms
from django.utils.translation import gettext_lazy as _


class HearingForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("date and time (YYYY-MM-DD HH:MM)"))
    place = forms.CharField(label=_("place"), max_length=300)
    seats = forms.IntegerField(label=_("seats for citizens"), min_value=1, max_value=10000)
    apply_until = forms.DateTimeField(label=_("applications close (YYYY-MM-DD HH:MM)"))


class ApplyForm(forms.Form):
    statement = forms.CharField(label=_("what you wish to say at the hearing"), max_length=1000,
                                widget=forms.Textarea(attrs={"rows": 4}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("decision"), choices=[("select", _("select")), ("refuse", _("refuse"))],
                                 widget=forms.RadioSelect)
    reason = forms.CharField(label=_("reason for not selecting"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("minutes"), max_length=50000, widget=forms.Textarea)
    file = forms.FileField(label=_("minutes as PDF (optional)"), required=False)
