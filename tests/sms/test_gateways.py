"""The Alibaba Cloud and Tencent Cloud backends against a stand-in for each
gateway, on 127.0.0.1, that checks what the provider documents: the
request's shape and its signature, computed here independently."""

import base64
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
                body = self.rfile.read(int(self.headers["Content-Length"]))
                request = {"path": self.path, "headers": dict(self.headers), "body": body}
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


# --- Alibaba Cloud: RPC signature v1.0 ------------------------------------------------------

ALIYUN_SECRET = "testsecret"


def aliyun_expected_signature(params: dict) -> str:
    def enc(value):
        return urllib.parse.quote(value, safe="~")

    canonical = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(params.items()) if k != "Signature")
    to_sign = "POST&%2F&" + enc(canonical)
    return base64.b64encode(hmac.new(f"{ALIYUN_SECRET}&".encode(), to_sign.encode(), hashlib.sha1).digest()).decode()


def aliyun_gateway(request):
    params = dict(urllib.parse.parse_qsl(request["body"].decode(), keep_blank_values=True))
    if params.get("Signature") != aliyun_expected_signature(params):
        return 400, {"Code": "SignatureDoesNotMatch", "Message": "bad signature"}
    required = {"AccessKeyId": "testid", "Action": "SendSms", "Version": "2017-05-25", "SignatureMethod": "HMAC-SHA1",
                "SignatureVersion": "1.0", "Format": "JSON"}
    if any(params.get(key) != value for key, value in required.items()):
        return 400, {"Code": "MissingParameter", "Message": "shape"}
    if not (params["SignatureNonce"] and params["Timestamp"].endswith("Z")):
        return 400, {"Code": "MissingParameter", "Message": "nonce or timestamp"}
    return 200, {"Code": "OK", "Message": "OK", "BizId": "biz-1", "RequestId": "req-1"}


@pytest.fixture
def aliyun(settings):
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

    params = dict(urllib.parse.parse_qsl(server.requests[0]["body"].decode()))
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


def test_a_template_not_configured_is_refused_before_sending(aliyun, stand_in):
    server = stand_in(aliyun_gateway)
    aliyun.SMS_ALIYUN_ENDPOINT = server.url
    aliyun.SMS_TEMPLATES = {}
    with pytest.raises(SmsRefused, match="SMS_TEMPLATE_RECEIVED"):
        send_sms(MESSAGE)
    assert server.requests == []


# --- Tencent Cloud: TC3-HMAC-SHA256 -----------------------------------------------------------

TENCENT_KEY = "tencent-secret-key"


def tencent_expected_signature(request) -> str:
    headers = {key.lower(): value for key, value in request["headers"].items()}
    timestamp = int(headers["x-tc-timestamp"])
    day = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    canonical = (f"POST\n/\n\ncontent-type:{headers['content-type']}\nhost:{headers['host']}\n\n"
                 f"content-type;host\n{hashlib.sha256(request['body']).hexdigest()}")
    to_sign = (f"TC3-HMAC-SHA256\n{timestamp}\n{day}/sms/tc3_request\n"
               f"{hashlib.sha256(canonical.encode()).hexdigest()}")

    def sign(key, text):
        return hmac.new(key, text.encode(), hashlib.sha256).digest()

    key = sign(sign(sign(f"TC3{TENCENT_KEY}".encode(), day), "sms"), "tc3_request")
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def tencent_gateway(request):
    headers = {key.lower(): value for key, value in request["headers"].items()}
    authorization = headers.get("authorization", "")
    expected = tencent_expected_signature(request)
    if not (authorization.startswith("TC3-HMAC-SHA256 Credential=tid/")
            and "SignedHeaders=content-type;host" in authorization
            and authorization.endswith(f"Signature={expected}")):
        return 200, {"Response": {"Error": {"Code": "AuthFailure.SignatureFailure", "Message": "bad"},
                                  "RequestId": "r"}}
    if (headers.get("x-tc-action"), headers.get("x-tc-version"), headers.get("x-tc-region")) != (
            "SendSms", "2021-01-11", "ap-guangzhou"):
        return 200, {"Response": {"Error": {"Code": "InvalidParameter", "Message": "headers"}, "RequestId": "r"}}
    body = json.loads(request["body"])
    return 200, {"Response": {"SendStatusSet": [{"SerialNo": "serial-1", "PhoneNumber": body["PhoneNumberSet"][0],
                                                 "Code": "Ok", "Message": "send success"}], "RequestId": "r"}}


@pytest.fixture
def tencent(settings):
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
