from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from twofactor.services import BACKUP_CODE, TOTP_CODE, code_normalised, is_backup_code

WRONG_CODE = _("That code is not right. Check the time on your phone and enter the code your app shows now.")
WRONG_BACKUP_CODE = _("That backup code is not right, or it has been used already: each backup code works once.")


class CodeForm(forms.Form):
    """A code from the authenticator app: to confirm the app at set-up."""

    code = forms.CharField(
        label=_("Six-digit code"),
        help_text=_("The code your authenticator app shows now for Wenzheng."),
        min_length=6,
        max_length=6,
        validators=[RegexValidator(r"^[0-9]{6}$", _("Enter the six digits your app shows, without spaces."))],
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip()

    def add_wrong_code_error(self):
        self.add_error("code", WRONG_CODE)


class CodeOrBackupCodeForm(forms.Form):
    """A code from the app or, without the phone, one of the backup codes:
    at login, and to remove two-factor authentication or make new codes."""

    code = forms.CharField(
        label=_("Six-digit code or backup code"),
        help_text=_("The code your authenticator app shows now for Wenzheng. Without your phone, enter one of your "
                    "backup codes instead."),
        max_length=24,
        # No numeric keyboard: backup codes have letters.
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none",
                                      "spellcheck": "false"}),
    )

    def clean_code(self):
        code = code_normalised(self.cleaned_data["code"])
        if not (TOTP_CODE.fullmatch(code) or BACKUP_CODE.fullmatch(code)):
            raise ValidationError(
                _("Enter the six digits your app shows, or a backup code of eight letters and digits."),
                code="format",
            )
        return code

    def add_wrong_code_error(self):
        backup = is_backup_code(self.cleaned_data.get("code", ""))  # read before add_error drops it
        self.add_error("code", WRONG_BACKUP_CODE if backup else WRONG_CODE)
