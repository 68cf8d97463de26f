"""One HTTPS request to a gateway, its JSON answer read; a network failure
or a 5xx is an SmsError (retried), anything else the backend reads."""

import json
import urllib.error
import urllib.request

from django.conf import settings

from notifications.sms import SmsError


def request_json(url: str, *, data: bytes | None, headers: dict, method: str = "POST") -> dict:
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=settings.SMS_TIMEOUT_SECONDS) as response:
            body = response.read()
    except urllib.error.HTTPError as error:
        if error.code >= 500:
            raise SmsError(f"gateway answered HTTP {error.code}") from None
        body = error.read()
    except (urllib.error.URLError, TimeoutError) as error:
        raise SmsError(f"gateway unreachable: {getattr(error, 'reason', error)}") from None
    try:
        return json.loads(body or b"{}")
    except ValueError:
        raise SmsError("gateway answered something that is not JSON") from None
