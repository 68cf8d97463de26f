"""Registration for citizens, and asking for a password reset link."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import NotifyBy, User
from portal.queue import enqueue_on_commit


class RegistrationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(label=_("Your name"), max_length=100, required=False)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    def clean_email(self):
        # Whether the address has an account is not said here: the form
        # answers a taken address as it answers a free one.
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            candidate = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(first, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class NotificationSettingsForm(forms.Form):
    notify_daily_digest = forms.BooleanField(
        label=_("Send me one e-mail a day with everything new, instead of an e-mail for each event."), required=False
    )
    show_api_tokens = forms.BooleanField(
        label=_("Show “API tokens” in my menu (for programs that use the portal's API on my behalf)."),
        required=False,
    )


class PasswordResetRequestForm(PasswordResetForm):
    """Django's form; the e-mail is left to the worker (accounts.tasks), so
    the answer comes in the same time whether or not the address has an
    account."""

    email = forms.EmailField(label=_("E-mail address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def save(self, **kwargs):
        from accounts.tasks import email_password_reset

        enqueue_on_commit(email_password_reset, self.cleaned_data["email"], get_language())


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile number"), max_length=30,
        help_text=_("A mainland number as 11 digits; any other with + and its country code."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def clean_phone(self):
        from accounts.phones import mobile_or_error

        return mobile_or_error(self.cleaned_data["phone"])


class PhoneCodeForm(forms.Form):
    code = forms.RegexField(
        label=_("The six-digit code from the text"), regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("The code is six digits.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": "6"}),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip()


class NotifyByForm(forms.Form):
    notify_by = forms.ChoiceField(label=_("Tell me about my cases by"), choices=NotifyBy.choices,
                                  widget=forms.RadioSelect)


class LoginForm(AuthenticationForm):
    """Django's login form; a confirmed mobile number works as the name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("E-mail address or mobile number")


class EmailAddForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
