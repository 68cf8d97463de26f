"""Replies texted back to the portal, pushed by the gateway: a number that
replies STOP, TD or 退订 gets no more texts about cases. The gateway's
callback address carries SMS_INBOUND_TOKEN (in the query, or the header
X-Sms-Token); without it, or unset, the address answers 404."""

import hmac
import json
import logging

from django.conf import settings
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.phones import mask_phone, normalise_mobile
from notifications.services import sms_opt_out

logger = logging.getLogger(__name__)

STOP_WORDS = {"STOP", "TD", "T", "N", "UNSUBSCRIBE", "退订", "退订短信", "取消"}


def _replies(payload):
    """(number, text) pairs from Tencent Cloud's reply callback (mobile,
    nationcode, text) or Alibaba Cloud's (phone_number, content), one
    reply or a list of them."""
    items = payload if isinstance(payload, list) else [payload]
    for item in items:
        if not isinstance(item, dict):
            continue
        number = str(item.get("phone_number") or item.get("mobile") or "")
        country = str(item.get("nationcode") or "")
        if country and not number.startswith("+"):
            number = f"+{country}{number}"
        yield number, str(item.get("content") or item.get("text") or "")


@csrf_exempt
@require_POST
def sms_inbound(request):
    expected = settings.SMS_INBOUND_TOKEN
    given = request.GET.get("token") or request.headers.get("X-Sms-Token", "")
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise Http404("No such page")
    try:
        payload = json.loads(request.body or b"null")
    except ValueError:
        return JsonResponse({"result": 1, "errmsg": "not JSON", "code": 1, "msg": "not JSON"}, status=400)
    stopped = 0
    for raw, text in _replies(payload):
        phone = normalise_mobile(raw)
        if phone and text.strip().upper().rstrip("。.!！") in STOP_WORDS:
            stopped += sms_opt_out(phone=phone, source="reply")
            logger.info("texts stopped by a reply from %s", mask_phone(phone))
    # Each gateway reads its own field: Tencent result/errmsg, Alibaba code/msg.
    return JsonResponse({"result": 0, "errmsg": "OK", "code": 0, "msg": "OK", "stopped": stopped})
