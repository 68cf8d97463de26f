"""The first pass at hiding personal data before a moderator publishes."""

import pytest
from django.urls import reverse
from django.utils import translation

from publication.redaction import redact
from tests.conftest import client_for
from tests.publication.conftest import answered_case


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize("secret", [
    "13812345678", "+8613812345678", "8613812345678", "+86 138 1234 5678", "0086-138-1234-5678",
    "138-1234-5678", "138.1234.5678", "１３８１２３４５６７８", "＋８６１３８１２３４５６７８",
    "110101199003071234", "11010119900307123X", "110101 19900307 1234", "110101-19900307-123x",
    "１１０１０１１９９００３０７１２３４", "110101900307123",
    "wangwu@example.org", "ｗａｎｇｗｕ＠ｅｘａｍｐｌｅ．ｏｒｇ",
])
def test_personal_numbers_and_addresses_are_removed_however_written(secret):
    redacted = redact(f"联系方式：{secret}。谢谢")
    assert redacted == "联系方式：[removed]。谢谢"


def test_ordinary_numbers_stay():
    text = "2024年有12345户，编号 86 号楼"
    assert redact(text) == text


def test_the_cases_contact_phone_and_email_are_removed_as_typed(client, moderator, department, citizen):
    case = answered_case(department=department, title="反映噪音", body="请打 0755 8888 电话或发 wang(at)example.org",
                         citizen=citizen, contact_phone="0755 8888", contact_email="wang(at)example.org")
    page = client_for(client, moderator).get(reverse("publication:moderate_case", args=[case.pk])).content.decode()
    form = page[page.index('id="redacted-heading"'):]
    assert "0755 8888" not in form and "wang(at)example.org" not in form


def test_a_contact_number_stored_in_one_form_is_removed_however_the_author_wrote_it(
        client, moderator, department, citizen):
    case = answered_case(department=department, title="反映噪音", body="请打 +44 7911 123456 或 07911 123456",
                         citizen=citizen, contact_phone="+447911123456", contact_email="")
    page = client_for(client, moderator).get(reverse("publication:moderate_case", args=[case.pk])).content.decode()
    form = page[page.index('id="redacted-heading"'):]
    assert "7911 123456" not in form and "7911123456" not in form
