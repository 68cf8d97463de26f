"""Forms check the shape of what people send; services check its meaning."""

import ipaddress

from django import forms
from django.utils.translation import gettext_lazy as _

from petitions.tracking import normalise_tracking_number
from signatures.normalise import InvalidAddress, normalise_domain
from signatures.selectors import SignatureCriteria


class SignForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=100)
    email = forms.EmailField(
        label=_("Your e-mail address"), max_length=254,
        help_text=_("We send a link to this address; your signature counts once you open it. "
                    "Your address is never shown."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class InvalidationForm(forms.Form):
    """The criteria of a bulk invalidation. Sent once to preview how many
    signatures match, then again with `confirm` to invalidate them."""

    petition = forms.CharField(label=_("Petition tracking number (optional)"), required=False, max_length=40,
                               help_text=_("Leave empty to match signatures of every petition."))
    ip_address = forms.GenericIPAddressField(label=_("Client address (IP)"), required=False)
    email_domain = forms.CharField(label=_("E-mail domain"), required=False, max_length=253,
                                   help_text=_("For example example.com"))
    signed_from = forms.DateTimeField(label=_("Signed from"), required=False, widget=DateTimeInput())
    signed_until = forms.DateTimeField(label=_("Signed before"), required=False, widget=DateTimeInput())
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Required to invalidate; kept with the record of this invalidation."))

    def clean_petition(self):
        from signatures.models import Petition

        raw = self.cleaned_data["petition"].strip()
        if not raw:
            return None
        number = normalise_tracking_number(raw)
        petition = Petition.objects.filter(case__tracking_number=number).first() if number else None
        if petition is None:
            raise forms.ValidationError(_("No petition has this tracking number."))
        return petition

    def clean_ip_address(self):
        value = self.cleaned_data["ip_address"]
        return str(ipaddress.ip_address(value)) if value else None

    def clean_email_domain(self):
        raw = self.cleaned_data["email_domain"].strip().lstrip("@")
        if not raw:
            return ""
        try:
            return normalise_domain(raw)
        except InvalidAddress:
            raise forms.ValidationError(_("Enter a domain such as example.com.")) from None

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("signed_from"), cleaned.get("signed_until")
        if start and end and start >= end:
            self.add_error("signed_until", _("The end of the range must come after its start."))
        if not self.errors and not any(cleaned.get(name) for name in
                                       ("ip_address", "email_domain", "signed_from", "signed_until")):
            raise forms.ValidationError(_("Choose an address, an e-mail domain or a time range."))
        return cleaned

    def criteria(self) -> SignatureCriteria:
        data = self.cleaned_data
        return SignatureCriteria(
            petition_id=data["petition"].pk if data.get("petition") else None, ip_address=data.get("ip_address"),
            email_domain=data.get("email_domain") or "", signed_from=data.get("signed_from"),
            signed_until=data.get("signed_until"),
        )
