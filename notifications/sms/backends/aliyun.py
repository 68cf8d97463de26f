"""Alibaba Cloud SMS (Dysmsapi 2017-05-25, SendSms) through its official
SDK (alibabacloud_dysmsapi20170525), which signs each request as the
provider documents. SMS_ALIYUN_ENDPOINT is a URL: its scheme and host are
handed to the SDK (tests point it at a local stand-in over http)."""

import json
import urllib.parse

from alibabacloud_dysmsapi20170525 import models as dysms_models
from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_tea_openapi import models as openapi_models
from alibabacloud_tea_openapi.exceptions import ClientException, ServerException, ThrottlingException
from darabonba.exceptions import UnretryableException
from darabonba.runtime import RuntimeOptions
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from notifications.sms import SmsError, SmsRefused
from notifications.sms.backends.base import BaseSmsBackend

# Codes that mean "not now" rather than "never" (flow control, throttling).
TRANSIENT_CODES = {"isv.BUSINESS_LIMIT_CONTROL", "Throttling.User", "Throttling", "ServiceUnavailable",
                   "InternalError", "isp.RAM_PERMISSION_DENY_TEMP"}


def gateway_number(e164: str) -> str:
    """Mainland numbers as 11 digits, others with their country code, no +."""
    return e164[3:] if e164.startswith("+86") else e164.lstrip("+")


def client() -> Client:
    endpoint = urllib.parse.urlsplit(settings.SMS_ALIYUN_ENDPOINT)
    return Client(openapi_models.Config(
        access_key_id=settings.SMS_ALIYUN_ACCESS_KEY_ID,
        access_key_secret=settings.SMS_ALIYUN_ACCESS_KEY_SECRET,
        endpoint=endpoint.netloc, protocol=endpoint.scheme or "https",
    ))


class SmsBackend(BaseSmsBackend):
    def __init__(self):
        if not (settings.SMS_ALIYUN_ACCESS_KEY_ID and settings.SMS_ALIYUN_ACCESS_KEY_SECRET):
            raise ImproperlyConfigured("SMS_BACKEND=aliyun needs SMS_ALIYUN_ACCESS_KEY_ID and _SECRET.")

    def send(self, message) -> str:
        template = settings.SMS_TEMPLATES.get(message.kind)
        if not template:
            raise SmsRefused(f"no template configured for {message.kind} (SMS_TEMPLATE_{message.kind.upper()})")
        request = dysms_models.SendSmsRequest(
            phone_numbers=gateway_number(message.to),
            sign_name=settings.SMS_SIGN_NAME,
            template_code=template,
            template_param=json.dumps(message.params, ensure_ascii=False, separators=(",", ":")),
        )
        # Celery retries with backoff; the SDK's own retries would hide the error from it.
        timeout_ms = settings.SMS_TIMEOUT_SECONDS * 1000
        runtime = RuntimeOptions(autoretry=False, connect_timeout=timeout_ms, read_timeout=timeout_ms)
        try:
            answer = client().send_sms_with_options(request, runtime).body
        except (ThrottlingException, ServerException, UnretryableException) as error:
            # Asked to wait, the gateway's own fault, or no answer at all.
            raise SmsError(f"Alibaba Cloud SMS: {getattr(error, 'code', None) or type(error).__name__}") from None
        except ClientException as error:
            if error.code in TRANSIENT_CODES:
                raise SmsError(f"Alibaba Cloud SMS: {error.code}") from None
            raise SmsRefused(f"Alibaba Cloud SMS: {error.code}: {error.message}") from None
        if answer.code == "OK":
            return answer.biz_id or answer.request_id or self.new_id()
        if answer.code in TRANSIENT_CODES:
            raise SmsError(f"Alibaba Cloud SMS: {answer.code}")
        raise SmsRefused(f"Alibaba Cloud SMS: {answer.code}: {answer.message or ''}")
