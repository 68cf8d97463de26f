"""Tencent Cloud SMS (API 2021-01-11, SendSms), signed with TC3-HMAC-SHA256
as its documentation describes. Made with the standard library, like the
Alibaba Cloud backend, so both gateways share one way of sending and one
test stand-in, and the portal adds no SDK for a single request."""

import hashlib
import hmac
import json
import urllib.parse
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from notifications.sms import SmsError, SmsRefused
from notifications.sms.backends.base import BaseSmsBackend
from notifications.sms.backends.http import request_json

SERVICE = "sms"
VERSION = "2021-01-11"
CONTENT_TYPE = "application/json; charset=utf-8"
TRANSIENT_PREFIXES = ("InternalError", "RequestLimitExceeded", "LimitExceeded", "FailedOperation.Frequency")


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def signature(*, secret_key: str, host: str, payload: bytes, timestamp: int) -> tuple[str, str]:
    """(credential scope, hex signature) of a POST / with these headers."""
    day = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    canonical = "\n".join([
        "POST", "/", "", f"content-type:{CONTENT_TYPE}", f"host:{host}", "", "content-type;host",
        hashlib.sha256(payload).hexdigest(),
    ])
    scope = f"{day}/{SERVICE}/tc3_request"
    to_sign = "\n".join(["TC3-HMAC-SHA256", str(timestamp), scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = _hmac(_hmac(_hmac(f"TC3{secret_key}".encode(), day), SERVICE), "tc3_request")
    return scope, hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


class SmsBackend(BaseSmsBackend):
    def __init__(self):
        self.secret_id = settings.SMS_TENCENT_SECRET_ID
        self.secret_key = settings.SMS_TENCENT_SECRET_KEY
        self.app_id = settings.SMS_TENCENT_SDK_APP_ID
        if not (self.secret_id and self.secret_key and self.app_id):
            raise ImproperlyConfigured(
                "SMS_BACKEND=tencent needs SMS_TENCENT_SECRET_ID, _SECRET_KEY and _SDK_APP_ID.")

    def send(self, message) -> str:
        template = settings.SMS_TEMPLATES.get(message.kind)
        if not template:
            raise SmsRefused(f"no template configured for {message.kind} (SMS_TEMPLATE_{message.kind.upper()})")
        payload = json.dumps({
            "PhoneNumberSet": [message.to],
            "SmsSdkAppId": self.app_id,
            "SignName": settings.SMS_SIGN_NAME,
            "TemplateId": template,
            "TemplateParamSet": [str(value) for value in message.params.values()],
        }, ensure_ascii=False).encode()
        host = urllib.parse.urlsplit(settings.SMS_TENCENT_ENDPOINT).netloc
        timestamp = int(timezone.now().timestamp())
        scope, signed = signature(secret_key=self.secret_key, host=host, payload=payload, timestamp=timestamp)
        headers = {
            "Authorization": f"TC3-HMAC-SHA256 Credential={self.secret_id}/{scope}, "
                             f"SignedHeaders=content-type;host, Signature={signed}",
            "Content-Type": CONTENT_TYPE,
            "Host": host,
            "X-TC-Action": "SendSms",
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Version": VERSION,
            "X-TC-Region": settings.SMS_TENCENT_REGION,
        }
        answer = request_json(settings.SMS_TENCENT_ENDPOINT, data=payload, headers=headers).get("Response", {})
        error = answer.get("Error")
        if error:
            code = error.get("Code", "")
            if code.startswith(TRANSIENT_PREFIXES):
                raise SmsError(f"Tencent Cloud SMS: {code}")
            raise SmsRefused(f"Tencent Cloud SMS: {code}: {error.get('Message', '')}")
        status = (answer.get("SendStatusSet") or [{}])[0]
        code = status.get("Code", "")
        if code == "Ok":
            return status.get("SerialNo") or answer.get("RequestId") or self.new_id()
        if code.startswith(TRANSIENT_PREFIXES):
            raise SmsError(f"Tencent Cloud SMS: {code}")
        raise SmsRefused(f"Tencent Cloud SMS: {code}: {status.get('Message', '')}")
