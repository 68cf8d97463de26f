"""Alibaba Cloud SMS (Dysmsapi 2017-05-25, SendSms), over its RPC API with
signature version 1.0 (HMAC-SHA1), as its documentation describes. The
official SDK pulls in some thirty packages (aiohttp among them) for this
one signed request, so the request is made here with the standard library."""

import base64
import hashlib
import hmac
import json
import urllib.parse
import uuid

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from notifications.sms import SmsError, SmsRefused
from notifications.sms.backends.base import BaseSmsBackend
from notifications.sms.backends.http import request_json

# Codes that mean "not now" rather than "never" (flow control, throttling).
TRANSIENT_CODES = {"isv.BUSINESS_LIMIT_CONTROL", "Throttling.User", "Throttling", "ServiceUnavailable",
                   "InternalError", "isp.RAM_PERMISSION_DENY_TEMP"}


def percent_encode(value: str) -> str:
    """RFC 3986, as the signature requires: ~ kept, space as %20, * as %2A."""
    return urllib.parse.quote(str(value), safe="~")


def string_to_sign(method: str, params: dict) -> str:
    canonical = "&".join(f"{percent_encode(k)}={percent_encode(params[k])}" for k in sorted(params))
    return f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"


def sign(method: str, params: dict, secret: str) -> str:
    digest = hmac.new(f"{secret}&".encode(), string_to_sign(method, params).encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def gateway_number(e164: str) -> str:
    """Mainland numbers as 11 digits, others with their country code, no +."""
    return e164[3:] if e164.startswith("+86") else e164.lstrip("+")


class SmsBackend(BaseSmsBackend):
    def __init__(self):
        self.key_id = settings.SMS_ALIYUN_ACCESS_KEY_ID
        self.secret = settings.SMS_ALIYUN_ACCESS_KEY_SECRET
        if not (self.key_id and self.secret):
            raise ImproperlyConfigured("SMS_BACKEND=aliyun needs SMS_ALIYUN_ACCESS_KEY_ID and _SECRET.")

    def send(self, message) -> str:
        template = settings.SMS_TEMPLATES.get(message.kind)
        if not template:
            raise SmsRefused(f"no template configured for {message.kind} (SMS_TEMPLATE_{message.kind.upper()})")
        params = {
            "AccessKeyId": self.key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "RegionId": "cn-hangzhou",
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "Timestamp": timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
            "PhoneNumbers": gateway_number(message.to),
            "SignName": settings.SMS_SIGN_NAME,
            "TemplateCode": template,
            "TemplateParam": json.dumps(message.params, ensure_ascii=False, separators=(",", ":")),
        }
        params["Signature"] = sign("POST", params, self.secret)
        body = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in params.items()).encode()
        answer = request_json(settings.SMS_ALIYUN_ENDPOINT, data=body,
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
        code = answer.get("Code")
        if code == "OK":
            return answer.get("BizId") or answer.get("RequestId") or self.new_id()
        if code in TRANSIENT_CODES:
            raise SmsError(f"Alibaba Cloud SMS: {code}")
        raise SmsRefused(f"Alibaba Cloud SMS: {code}: {answer.get('Message', '')}")
