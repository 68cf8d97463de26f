"""Cases found and linked by mobile number: only by a number the account
confirmed, and looked up with the number they were filed with."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.services import user_phone_confirm
from petitions.models import Case, Channel
from petitions.services import case_record_for_citizen
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MOBILE = "+8613812345678"


def record(operator, category, region, phone="13812345678"):
    case, _created = case_record_for_citizen(
        actor=operator, channel=Channel.PHONE, kind="complaint", category=category, region=region,
        title="路灯不亮", body="小区门口的路灯已经坏了一个星期。", contact_name="王先生", contact_phone=phone,
    )
    return case


def test_a_case_recorded_for_a_caller_joins_the_account_that_confirmed_the_number(operator, category, region):
    owner = UserFactory(phone=MOBILE, phone_confirmed_at=timezone.now())
    UserFactory(phone=MOBILE)  # typed the same number, never confirmed it
    case = record(operator, category, region, phone="138 1234 5678")
    assert case.citizen == owner


def test_a_number_no_account_confirmed_links_to_no_one(operator, category, region):
    UserFactory(phone=MOBILE)
    assert record(operator, category, region).citizen is None


def test_confirming_the_number_later_takes_the_cases_recorded_with_it(client, operator, category, region):
    earlier = record(operator, category, region)
    other = record(operator, category, region, phone="13912345678")
    later_owner = UserFactory()

    user_phone_confirm(actor=later_owner, phone=MOBILE)

    earlier.refresh_from_db()
    other.refresh_from_db()
    assert earlier.citizen == later_owner and other.citizen is None
    client.force_login(later_owner)
    assert client.get(reverse("petitions:case_detail", args=[earlier.pk])).status_code == 200
    assert client.get(reverse("petitions:case_detail", args=[other.pk])).status_code == 404


def test_a_number_another_account_confirmed_cannot_be_confirmed_again(operator, category, region):
    from portal.errors import DomainError

    UserFactory(phone=MOBILE, phone_confirmed_at=timezone.now())
    with pytest.raises(DomainError):
        user_phone_confirm(actor=UserFactory(), phone=MOBILE)


def test_the_owner_a_colleague_and_a_stranger_see_a_phone_linked_case_as_they_should(
        client, operator, official, category, region):
    owner = UserFactory(phone=MOBILE, phone_confirmed_at=timezone.now())
    case = record(operator, category, region)
    stranger = UserFactory(phone="+8613912345678", phone_confirmed_at=timezone.now())
    url = reverse("petitions:case_detail", args=[case.pk])
    client.force_login(owner)
    assert client.get(url).status_code == 200
    client.force_login(operator)  # who recorded it
    assert client.get(url).status_code == 200
    client.force_login(stranger)
    assert client.get(url).status_code == 404


def test_a_case_is_looked_up_by_its_number_and_mobile_number_however_typed(client, operator, category, region):
    case = record(operator, category, region)
    url = reverse("petitions:case_lookup")
    found = client.post(url, {"tracking_number": case.tracking_number, "email": "138 1234 5678"})
    assert "路灯不亮" in found.content.decode()
    wrong_number = client.post(url, {"tracking_number": case.tracking_number, "email": "13912345678"})
    no_such_case = client.post(url, {"tracking_number": "261207-0000-0000-000", "email": "13812345678"})
    for response in (wrong_number, no_such_case):
        assert "路灯不亮" not in response.content.decode()
    # The same answer whichever of the two is wrong.
    assert "没有与该受理编号和联系方式相符的诉求。" in wrong_number.content.decode()


def test_a_phone_only_account_submits_a_case_with_its_number(client, category, region):
    user = UserFactory(email=None, phone=MOBILE, phone_confirmed_at=timezone.now())
    client.force_login(user)
    page = client.get(reverse("petitions:case_submit"))
    assert page.status_code == 200
    key = re.search(r'name="submission_key" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post(reverse("petitions:case_submit"), {
        "kind": "complaint", "category": category.pk, "region": region.pk, "urgency": "normal",
        "title": "路灯不亮", "body": "小区门口的路灯已经坏了一个星期。", "submission_key": key,
    })
    assert response.status_code == 302
    case = Case.objects.get(citizen=user)
    assert case.contact_phone == MOBILE and case.contact_email == ""


def test_the_operator_is_told_the_receipt_is_texted(client, operator, category, region):
    client.force_login(operator)
    page = client.get(reverse("petitions:case_record")).content.decode()
    key = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)
    response = client.post(reverse("petitions:case_record"), {
        "channel": "phone", "contact_name": "王先生", "contact_phone": "138 1234 5678", "kind": "complaint",
        "category": category.pk, "region": region.pk, "urgency": "normal", "title": "路灯不亮",
        "body": "小区门口的路灯已经坏了一个星期。", "submission_key": key,
    }, follow=True)
    assert "受理回执已通过短信发送到市民的手机。" in response.content.decode()
    assert Case.objects.get().contact_phone == MOBILE


@pytest.mark.parametrize("typed", ["138 1234 5678", "+86 138-1234-5678", "8613812345678", "0086 138 1234 5678",
                                   "+8613812345678"])
def test_the_look_up_finds_the_case_however_the_number_is_typed(client, operator, category, region, typed):
    case = record(operator, category, region, phone="138-1234-5678")
    assert case.contact_phone == MOBILE
    found = client.post(reverse("petitions:case_lookup"), {"tracking_number": case.tracking_number, "email": typed})
    assert "路灯不亮" in found.content.decode()


def test_numbers_stored_before_the_normal_form_are_rewritten_in_e164_and_then_found(client, operator, category,
                                                                                     region):
    import importlib

    from django.apps import apps

    from accounts.models import User
    from notifications.models import SmsOptOut

    spelled = record(operator, category, region)
    unusual = record(operator, category, region)
    Case.objects.filter(pk=spelled.pk).update(contact_phone="138 1234 5678")  # as an older release kept it
    Case.objects.filter(pk=unusual.pk).update(contact_phone="ext. 12 at the front desk")
    user = UserFactory(phone="+86 139-1234-5678")
    User.objects.filter(pk=user.pk).update(phone="+86 139-1234-5678")
    SmsOptOut.objects.create(phone="8613712345678", source="reply")

    for module in ("petitions.migrations.0013_contact_phones_in_e164", "accounts.migrations.0008_phones_in_e164",
                   "notifications.migrations.0015_phones_in_e164"):
        importlib.import_module(module).forwards(apps, None)

    spelled.refresh_from_db()
    unusual.refresh_from_db()
    user.refresh_from_db()
    assert spelled.contact_phone == MOBILE
    assert unusual.contact_phone == "ext. 12 at the front desk"
    assert user.phone == "+8613912345678"
    assert SmsOptOut.objects.get().phone == "+8613712345678"
    found = client.post(reverse("petitions:case_lookup"),
                        {"tracking_number": spelled.tracking_number, "email": "+86 138 1234 5678"})
    assert "路灯不亮" in found.content.decode()


def test_a_number_given_through_the_api_or_open311_is_stored_in_e164(category, region):
    from petitions.services import case_submit

    case, _created = case_submit(actor=None, channel=Channel.API, kind="complaint", category=category,
                                 region=region, title="路灯不亮", body="小区门口的路灯已经坏了一个星期。",
                                 contact_phone="+86 138-1234-5678")
    assert case.contact_phone == MOBILE


def test_an_administrator_types_a_number_any_way_and_it_is_kept_in_e164(admin_client):
    user = UserFactory(phone="")
    page = admin_client.get(reverse("admin:accounts_user_change", args=[user.pk]))
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and not isinstance(value, list)}
    data.update(phone="138 1234 5678", date_joined_0="2026-12-01", date_joined_1="10:00:00", notify_by="email",
                groups=[], user_permissions=[])
    data.pop("date_joined", None)
    data.pop("last_login", None)
    data.pop("password", None)
    for prefix in ("memberships",):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = admin_client.post(reverse("admin:accounts_user_change", args=[user.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.phone == MOBILE
    found = admin_client.get(reverse("admin:accounts_user_changelist") + "?q=138-1234-5678").content.decode()
    assert "+86 138****5678" in found
