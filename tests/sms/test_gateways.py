"""The Alibaba Cloud and Tencent Cloud backends against a stand-in for each
gateway, on 127.0.0.1, that checks what the provider documents: the
request's shape and its signature, computed here independently."""

import hashlib
import hmac
import json
import threading
import urllib.parse
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from notifications.sms import Sms, SmsError, SmsRefused, send_sms

MESSAGE = Sms(to="+8613812345678", kind="received", params={"number": "261207-4821-3773-059"},
              text="【问政】您的诉求已受理")


class StandIn:
    """An HTTP server answering with `answer(request) -> (status, dict)`."""

    def __init__(self, answer):
        self.requests = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                request = {"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body}
                stand_in.requests.append(request)
                status, payload = answer(request)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # A URL of http, so the SDKs are pointed at it by their own scheme and endpoint settings.
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stand_in():
    servers = []

    def start(answer):
        server = StandIn(answer)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


# --- Alibaba Cloud: signature V3 (ACS3-HMAC-SHA256), as its SDK sends SendSms ---------------

ALIYUN_SECRET = "testsecret"
# What the provider requires to be signed, whatever else a client adds.
ALIYUN_SIGNED_AT_LEAST = {"host", "x-acs-action", "x-acs-content-sha256", "x-acs-date", "x-acs-signature-nonce",
                          "x-acs-version"}


def aliyun_expected_signature(request, signed_headers: list[str]) -> str:
    """The canonical request and string to sign of the provider's V3 signature documentation."""
    def enc(value):
        return urllib.parse.quote(value, safe="~")

    path, _mark, query = request["path"].partition("?")
    params = sorted(urllib.parse.parse_qsl(query, keep_blank_values=True))
    canonical_query = "&".join(f"{enc(k)}={enc(v)}" for k, v in params)
    headers = {key.lower(): value.strip() for key, value in request["headers"].items()}
    canonical_headers = "".join(f"{name}:{headers[name]}\n" for name in signed_headers)
    canonical = "\n".join([request["method"], path or "/", canonical_query, canonical_headers, ";".join(signed_headers),
                           hashlib.sha256(request["body"]).hexdigest()])
    to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical.encode()).hexdigest()
    return hmac.new(ALIYUN_SECRET.encode(), to_sign.encode(), hashlib.sha256).hexdigest()


def aliyun_gateway(request):
    headers = {key.lower(): value for key, value in request["headers"].items()}
    scheme, _space, fields = headers.get("authorization", "").partition(" ")
    auth = dict(part.split("=", 1) for part in fields.split(",") if "=" in part)
    signed = auth.get("SignedHeaders", "").split(";")
    if (scheme != "ACS3-HMAC-SHA256" or auth.get("Credential") != "testid" or signed != sorted(signed)
            or not ALIYUN_SIGNED_AT_LEAST <= set(signed)
            or headers["x-acs-content-sha256"] != hashlib.sha256(request["body"]).hexdigest()
            or auth.get("Signature") != aliyun_expected_signature(request, signed)):
        return 400, {"Code": "SignatureDoesNotMatch", "Message": "bad signature", "RequestId": "r"}
    if (headers["x-acs-action"], headers["x-acs-version"]) != ("SendSms", "2017-05-25") or request["method"] != "POST":
        return 400, {"Code": "MissingParameter", "Message": "shape", "RequestId": "r"}
    if not (headers["x-acs-signature-nonce"] and headers["x-acs-date"].endswith("Z")):
        return 400, {"Code": "MissingParameter", "Message": "nonce or date", "RequestId": "r"}
    params = aliyun_params(request)
    if not all(params.get(name) for name in ("PhoneNumbers", "SignName", "TemplateCode")):
        return 400, {"Code": "MissingParameter", "Message": "PhoneNumbers, SignName, TemplateCode", "RequestId": "r"}
    return 200, {"Code": "OK", "Message": "OK", "BizId": "biz-1", "RequestId": "req-1"}


def aliyun_params(request) -> dict:
    """SendSms's parameters: in the query string (RPC style), or a form body."""
    params = dict(urllib.parse.parse_qsl(request["path"].partition("?")[2], keep_blank_values=True))
    if request["body"]:
        params.update(urllib.parse.parse_qsl(request["body"].decode(), keep_blank_values=True))
    return params


@pytest.fixture
def aliyun(settings):
    return configure_aliyun(settings)


def configure_aliyun(settings):
    settings.SMS_BACKEND = "notifications.sms.backends.aliyun.SmsBackend"
    settings.SMS_ALIYUN_ACCESS_KEY_ID = "testid"
    settings.SMS_ALIYUN_ACCESS_KEY_SECRET = ALIYUN_SECRET
    settings.SMS_SIGN_NAME = "问政"
    settings.SMS_TEMPLATES = {"received": "SMS_123456"}
    return settings


def test_alibaba_cloud_receives_a_signed_send_sms_the_way_it_documents(aliyun, stand_in):
    server = stand_in(aliyun_gateway)
    aliyun.SMS_ALIYUN_ENDPOINT = server.url

    assert send_sms(MESSAGE) == "biz-1"

    params = aliyun_params(server.requests[0])
    assert params["PhoneNumbers"] == "13812345678"  # mainland numbers without +86
    assert params["SignName"] == "问政" and params["TemplateCode"] == "SMS_123456"
    assert json.loads(params["TemplateParam"]) == {"number": "261207-4821-3773-059"}


def test_alibaba_cloud_refusing_the_signature_is_a_refusal_not_a_retry(aliyun, stand_in):
    server = stand_in(aliyun_gateway)
    aliyun.SMS_ALIYUN_ENDPOINT = server.url
    aliyun.SMS_ALIYUN_ACCESS_KEY_SECRET = "not-the-secret"
    with pytest.raises(SmsRefused, match="SignatureDoesNotMatch"):
        send_sms(MESSAGE)


def test_alibaba_cloud_flow_control_and_server_errors_are_retried(aliyun, stand_in):
    limited = stand_in(lambda request: (200, {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "limit"}))
    aliyun.SMS_ALIYUN_ENDPOINT = limited.url
    with pytest.raises(SmsError):
        send_sms(MESSAGE)
    down = stand_in(lambda request: (503, {}))
    aliyun.SMS_ALIYUN_ENDPOINT = down.url
    with pytest.raises(SmsError):
        send_sms(MESSAGE)
    aliyun.SMS_ALIYUN_ENDPOINT = "http://127.0.0.1:9/"  # nothing listens there
    with pytest.raises(SmsError):
        send_sms(MESSAGE)


def test_a_template_not_configured_is_refused_before_sending(aliyun, stand_in):
    server = stand_in(aliyun_gateway)
    aliyun.SMS_ALIYUN_ENDPOINT = server.url
    aliyun.SMS_TEMPLATES = {}
    with pytest.raises(SmsRefused, match="SMS_TEMPLATE_RECEIVED"):
        send_sms(MESSAGE)
    assert server.requests == []


# --- Tencent Cloud: TC3-HMAC-SHA256 -----------------------------------------------------------

TENCENT_KEY = "tencent-secret-key"


def tencent_expected_signature(request, signed_headers: list[str]) -> str:
    """TC3-HMAC-SHA256 as the provider documents it: canonical request, credential scope, derived key."""
    headers = {key.lower(): value.strip() for key, value in request["headers"].items()}
    timestamp = int(headers["x-tc-timestamp"])
    day = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    path, _mark, query = request["path"].partition("?")
    canonical_headers = "".join(f"{name}:{headers[name].lower()}\n" for name in signed_headers)
    canonical = "\n".join([request["method"], path or "/", query, canonical_headers, ";".join(signed_headers),
                           hashlib.sha256(request["body"]).hexdigest()])
    to_sign = (f"TC3-HMAC-SHA256\n{timestamp}\n{day}/sms/tc3_request\n"
               f"{hashlib.sha256(canonical.encode()).hexdigest()}")

    def sign(key, text):
        return hmac.new(key, text.encode(), hashlib.sha256).digest()

    key = sign(sign(sign(f"TC3{TENCENT_KEY}".encode(), day), "sms"), "tc3_request")
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def tencent_gateway(request):
    headers = {key.lower(): value for key, value in request["headers"].items()}
    scheme, _space, fields = headers.get("authorization", "").partition(" ")
    auth = dict(part.strip().split("=", 1) for part in fields.split(",") if "=" in part)
    signed = auth.get("SignedHeaders", "").split(";")
    credential = auth.get("Credential", "")
    day = datetime.fromtimestamp(int(headers.get("x-tc-timestamp") or 0), UTC).strftime("%Y-%m-%d")
    if (scheme != "TC3-HMAC-SHA256" or credential != f"tid/{day}/sms/tc3_request"
            or not {"content-type", "host"} <= set(signed)
            or auth.get("Signature") != tencent_expected_signature(request, signed)):
        return 200, {"Response": {"Error": {"Code": "AuthFailure.SignatureFailure", "Message": "bad"},
                                  "RequestId": "r"}}
    if (headers.get("x-tc-action"), headers.get("x-tc-version"), headers.get("x-tc-region")) != (
            "SendSms", "2021-01-11", "ap-guangzhou") or request["method"] != "POST":
        return 200, {"Response": {"Error": {"Code": "InvalidParameter", "Message": "headers"}, "RequestId": "r"}}
    if not headers.get("content-type", "").startswith("application/json"):
        return 200, {"Response": {"Error": {"Code": "InvalidParameter", "Message": "body"}, "RequestId": "r"}}
    body = json.loads(request["body"])
    return 200, {"Response": {"SendStatusSet": [{"SerialNo": "serial-1", "PhoneNumber": body["PhoneNumberSet"][0],
                                                 "Code": "Ok", "Message": "send success"}], "RequestId": "r"}}


@pytest.fixture
def tencent(settings):
    return configure_tencent(settings)


def configure_tencent(settings):
    settings.SMS_BACKEND = "notifications.sms.backends.tencent.SmsBackend"
    settings.SMS_TENCENT_SECRET_ID = "tid"
    settings.SMS_TENCENT_SECRET_KEY = TENCENT_KEY
    settings.SMS_TENCENT_SDK_APP_ID = "1400000001"
    settings.SMS_TENCENT_REGION = "ap-guangzhou"
    settings.SMS_SIGN_NAME = "问政"
    settings.SMS_TEMPLATES = {"received": "1234567"}
    return settings


def test_tencent_cloud_receives_a_signed_send_sms_the_way_it_documents(tencent, stand_in):
    server = stand_in(tencent_gateway)
    tencent.SMS_TENCENT_ENDPOINT = server.url

    assert send_sms(MESSAGE) == "serial-1"

    body = json.loads(server.requests[0]["body"])
    assert body == {"PhoneNumberSet": ["+8613812345678"], "SmsSdkAppId": "1400000001", "SignName": "问政",
                    "TemplateId": "1234567", "TemplateParamSet": ["261207-4821-3773-059"]}


def test_tencent_cloud_refusing_the_signature_is_a_refusal(tencent, stand_in):
    server = stand_in(tencent_gateway)
    tencent.SMS_TENCENT_ENDPOINT = server.url
    tencent.SMS_TENCENT_SECRET_KEY = "wrong"
    with pytest.raises(SmsRefused, match="AuthFailure.SignatureFailure"):
        send_sms(MESSAGE)


def test_tencent_cloud_rate_limits_and_an_unreachable_gateway_are_retried(tencent, stand_in):
    limited = stand_in(lambda request: (200, {"Response": {
        "Error": {"Code": "RequestLimitExceeded", "Message": "slow down"}, "RequestId": "r"}}))
    tencent.SMS_TENCENT_ENDPOINT = limited.url
    with pytest.raises(SmsError):
        send_sms(MESSAGE)
    down = stand_in(lambda request: (503, {}))
    tencent.SMS_TENCENT_ENDPOINT = down.url
    with pytest.raises(SmsError):
        send_sms(MESSAGE)
    tencent.SMS_TENCENT_ENDPOINT = "http://127.0.0.1:9/"  # nothing listens there
    with pytest.raises(SmsError):
        send_sms(MESSAGE)


def test_the_file_backend_writes_each_text_where_the_demo_says(settings, tmp_path):
    settings.SMS_BACKEND = "notifications.sms.backends.filebased.SmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    send_sms(MESSAGE)
    [written] = list((tmp_path / "sms").iterdir())
    assert "您的诉求已受理" in written.read_text(encoding="utf-8")


def test_the_console_backend_prints_each_text():
    import io

    from notifications.sms.backends.console import SmsBackend

    stream = io.StringIO()
    SmsBackend(stream=stream).send(MESSAGE)
    assert "您的诉求已受理" in stream.getvalue()


def test_a_gateway_without_its_keys_stops_with_a_clear_message(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.SMS_BACKEND = "notifications.sms.backends.tencent.SmsBackend"
    settings.SMS_TENCENT_SECRET_ID = ""
    with pytest.raises(ImproperlyConfigured, match="SMS_TENCENT_SECRET_ID"):
        send_sms(MESSAGE)


def test_both_gateways_are_called_through_the_providers_official_sdks(settings, stand_in):
    """The SDKs name themselves in each request; what they sign is checked above."""
    aliyun_server = stand_in(aliyun_gateway)
    tencent_server = stand_in(tencent_gateway)
    settings.SMS_ALIYUN_ENDPOINT = aliyun_server.url
    settings.SMS_TENCENT_ENDPOINT = tencent_server.url
    for configure in (configure_aliyun, configure_tencent):
        configure(settings)
        send_sms(MESSAGE)
    aliyun_headers = {key.lower(): value for key, value in aliyun_server.requests[0]["headers"].items()}
    tencent_headers = {key.lower(): value for key, value in tencent_server.requests[0]["headers"].items()}
    assert aliyun_headers["user-agent"].startswith("AlibabaCloud ")
    assert tencent_headers["x-tc-requestclient"].startswith("SDK_PYTHON_")
