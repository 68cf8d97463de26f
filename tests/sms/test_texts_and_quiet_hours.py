"""What the texts say, how long they are, and when they may go."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from notifications.sms.quiet import send_not_before
from notifications.sms.texts import KINDS, build, case_link, segments
from petitions.tracking import new_tracking_number

SHANGHAI = ZoneInfo("Asia/Shanghai")
NUMBER = new_tracking_number(datetime(2026, 12, 7, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
PARAMS = {
    "code": {"code": "482913", "minutes": "5"},
    "received": {"number": NUMBER},
    "material_requested": {"number": NUMBER},
}


@pytest.fixture
def site(settings):
    # A city's real address is about this long.
    settings.SITE_URL = "https://12345.city.gov.cn"
    settings.SMS_SIGN_NAME = "问政"


@pytest.mark.parametrize("kind", KINDS)
def test_every_chinese_text_fits_one_segment_signature_included(site, kind):
    params = PARAMS.get(kind) or {"link": case_link(NUMBER)}
    message = build(to="+8613812345678", kind=kind, params=params, language="zh-hans")
    assert message.text.startswith("【问政】")
    assert len(message.text) <= 70, message.text
    assert segments(message.text) == 1
    assert all(str(value) in message.text for value in params.values())


@pytest.mark.parametrize("kind", KINDS)
def test_every_english_text_is_english_and_at_most_two_segments(site, kind):
    params = PARAMS.get(kind) or {"link": case_link(NUMBER)}
    message = build(to="+447911123456", kind=kind, params=params, language="en")
    assert segments(message.text) <= 2
    assert any(word in message.text for word in ("code", "Case", "case"))


def test_segments_are_counted_as_carriers_bill_them():
    assert segments("验" * 70) == 1
    assert segments("验" * 71) == 2
    assert segments("验" * 134) == 2
    assert segments("a" * 160) == 1
    assert segments("a" * 161) == 2


def test_the_short_link_opens_the_look_up_with_the_number_filled_in(site, client, db):
    link = case_link(NUMBER)
    digits = NUMBER.replace("-", "")
    assert link == f"https://12345.city.gov.cn/t/{digits}/"
    response = client.get(f"/t/{digits}/")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert NUMBER in page


def at(hour, minute=0, day=7):
    return datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


@pytest.mark.parametrize(("now", "expected"), [
    (at(21, 59), at(21, 59)),
    (at(22, 0), at(8, 0, day=8)),
    (at(23, 30), at(8, 0, day=8)),
    (at(3, 0), at(8, 0)),
    (at(8, 0), at(8, 0)),
    (at(12, 0), at(12, 0)),
])
def test_texts_raised_at_night_wait_for_the_morning(settings, now, expected):
    settings.SMS_QUIET_HOURS = "22-8"
    assert send_not_before(now) == expected


def test_quiet_hours_within_one_day_and_none(settings):
    settings.SMS_QUIET_HOURS = "12-14"
    assert send_not_before(at(13, 0)) == at(14, 0)
    assert send_not_before(at(15, 0)) == at(15, 0)
    settings.SMS_QUIET_HOURS = ""
    assert send_not_before(at(23, 0)) == at(23, 0)


@pytest.mark.parametrize("value", ["22", "22-25", "night"])
def test_quiet_hours_that_are_not_two_hours_stop_with_a_clear_message(settings, value):
    from django.core.exceptions import ImproperlyConfigured

    settings.SMS_QUIET_HOURS = value
    with pytest.raises(ImproperlyConfigured, match="SMS_QUIET_HOURS"):
        send_not_before(at(12))
