"""Tencent Cloud SMS (API 2021-01-11, SendSms) through its official SDK
(tencentcloud-sdk-python-sms), which signs each request with
TC3-HMAC-SHA256 as the provider documents. SMS_TENCENT_ENDPOINT is a URL:
its scheme and host are handed to the SDK's HttpProfile."""

import urllib.parse

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models, sms_client

from notifications.sms import SmsError, SmsRefused
from notifications.sms.backends.base import BaseSmsBackend

# "Not now" rather than "never": the gateway's limits, its own faults, and
# the SDK's codes for a network that failed.
TRANSIENT_PREFIXES = ("InternalError", "RequestLimitExceeded", "LimitExceeded", "FailedOperation.Frequency",
                      "ClientNetworkError", "ServerNetworkError", "ClientError.NetworkError",
                      "ClientError.HttpStatusCodeError")


def client() -> sms_client.SmsClient:
    endpoint = urllib.parse.urlsplit(settings.SMS_TENCENT_ENDPOINT)
    http = HttpProfile(endpoint=endpoint.netloc, protocol=endpoint.scheme or "https",
                       reqTimeout=settings.SMS_TIMEOUT_SECONDS)
    return sms_client.SmsClient(
        credential.Credential(settings.SMS_TENCENT_SECRET_ID, settings.SMS_TENCENT_SECRET_KEY),
        settings.SMS_TENCENT_REGION, ClientProfile(httpProfile=http),
    )


class SmsBackend(BaseSmsBackend):
    def __init__(self):
        if not (settings.SMS_TENCENT_SECRET_ID and settings.SMS_TENCENT_SECRET_KEY and settings.SMS_TENCENT_SDK_APP_ID):
            raise ImproperlyConfigured(
                "SMS_BACKEND=tencent needs SMS_TENCENT_SECRET_ID, _SECRET_KEY and _SDK_APP_ID.")

    def send(self, message) -> str:
        template = settings.SMS_TEMPLATES.get(message.kind)
        if not template:
            raise SmsRefused(f"no template configured for {message.kind} (SMS_TEMPLATE_{message.kind.upper()})")
        request = models.SendSmsRequest()
        request.PhoneNumberSet = [message.to]
        request.SmsSdkAppId = settings.SMS_TENCENT_SDK_APP_ID
        request.SignName = settings.SMS_SIGN_NAME
        request.TemplateId = template
        request.TemplateParamSet = [str(value) for value in message.params.values()]
        try:
            answer = client().SendSms(request)
        except TencentCloudSDKException as error:
            code = error.get_code() or ""
            if code.startswith(TRANSIENT_PREFIXES):
                raise SmsError(f"Tencent Cloud SMS: {code}") from None
            raise SmsRefused(f"Tencent Cloud SMS: {code}: {error.get_message()}") from None
        except OSError as error:
            raise SmsError(f"Tencent Cloud SMS unreachable: {error}") from None
        status = (answer.SendStatusSet or [None])[0]
        code = getattr(status, "Code", "") or ""
        if code == "Ok":
            return status.SerialNo or answer.RequestId or self.new_id()
        if code.startswith(TRANSIENT_PREFIXES):
            raise SmsError(f"Tencent Cloud SMS: {code}")
        raise SmsRefused(f"Tencent Cloud SMS: {code}: {getattr(status, 'Message', '')}")
