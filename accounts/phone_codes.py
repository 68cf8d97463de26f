"""The six-digit codes texted to a mobile number to sign in or to confirm
it. Only a keyed hash of each code is kept; only the latest code of a
number counts; it is valid for SMS_CODE_VALID_SECONDS, used once, and
refused after SMS_CODE_MAX_ATTEMPTS tries. Logs show numbers masked."""

import hashlib
import hmac
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import PhoneCode
from accounts.phones import mask_phone
from notifications.sms import SmsError, SmsRefused, send_sms
from notifications.sms.texts import code_sms
from portal.errors import DomainError

logger = logging.getLogger(__name__)


def code_hash(phone: str, code: str) -> str:
    # Keyed: six digits alone are a million guesses from a copy of the table.
    return hmac.new(settings.SECRET_KEY.encode(), f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def phone_code_send(*, phone: str, language: str) -> None:
    """Draw a code for `phone` (E.164) and text it, whether or not the number
    has an account. Sent here rather than by the worker: only this request
    ever knows the code, and it never goes into a queue or a log."""
    code = f"{secrets.randbelow(10 ** 6):06d}"
    now = timezone.now()
    PhoneCode.objects.create(phone=phone, code_hash=code_hash(phone, code), created_at=now,
                             expires_at=now + timedelta(seconds=settings.SMS_CODE_VALID_SECONDS))
    try:
        send_sms(code_sms(to=phone, code=code, language=language))
    except (SmsError, SmsRefused) as error:
        logger.warning("sign-in code to %s not sent: %s", mask_phone(phone), error)
        raise DomainError(_("The text could not be sent just now. Wait a minute and ask for a new code.")) from None
    logger.info("sign-in code sent to %s", mask_phone(phone))


def phone_code_check(*, phone: str, code: str) -> bool:
    """True once for the right code of the number's latest live code. Each
    try is counted before the code is compared, by a conditional update,
    so parallel guesses share the limit."""
    now = timezone.now()
    latest = PhoneCode.objects.filter(phone=phone).order_by("-created_at", "-id").first()
    if latest is None or latest.used_at is not None or latest.expires_at <= now:
        return False
    counted = PhoneCode.objects.filter(
        pk=latest.pk, used_at=None, attempts__lt=settings.SMS_CODE_MAX_ATTEMPTS,
    ).update(attempts=F("attempts") + 1)
    if not counted:
        return False
    if not hmac.compare_digest(latest.code_hash, code_hash(phone, (code or "").strip())):
        logger.info("wrong sign-in code for %s", mask_phone(phone))
        return False
    return bool(PhoneCode.objects.filter(pk=latest.pk, used_at=None).update(used_at=now))


def phone_codes_prune(*, now=None) -> int:
    """Codes a day old are of no use to anyone: forget them."""
    cutoff = (now or timezone.now()) - timedelta(days=1)
    deleted, _by_model = PhoneCode.objects.filter(created_at__lt=cutoff).delete()
    return deleted
