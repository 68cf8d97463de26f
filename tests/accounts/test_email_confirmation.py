"""A new account confirms its address by a link before anything is linked
to it by that address: until then it sees only what it submitted itself.
Three actors: the squatter (registered someone else's address), the
owner of the address, and the operator who records the owner's call."""

import uuid
from unittest import mock

import pytest
from django.core import mail, signing
from django.urls import reverse

from accounts.models import User
from petitions.models import Case, Channel
from petitions.permissions import cases_visible_to
from petitions.services import case_record_for_citizen
from tests.accounts.support import committed, links_in, log_in, mails_to, register
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks

OWNER = "wang.fang@example.org"


def record_call(operator, category, region, email=OWNER, title="楼道堆放杂物"):
    case, _created = case_record_for_citizen(
        actor=operator, channel=Channel.PHONE, kind="complaint", category=category, region=region, title=title,
        body="王芳来电：家住幸福里 3 号楼 402 室，楼道堆放杂物多日。", address="幸福里 3 号楼 402 室",
        contact_name="王芳", contact_email=email,
    )
    return case


def confirmation_link(email=OWNER) -> str:
    """The path of the latest confirmation link e-mailed to `email`."""
    prefix = reverse("accounts:confirm_email_resend")
    return [link for message in mails_to(email) for link in links_in(message)
            if link.startswith(prefix) and link != prefix][-1]


def test_a_squatter_does_not_see_a_case_recorded_with_the_address_they_registered(capture, client, operator,
                                                                                   category, region):
    register(capture, client, OWNER)
    log_in(client, OWNER)
    case = record_call(operator, category, region)

    assert case.citizen is None
    assert "楼道堆放杂物" not in client.get(reverse("petitions:my_cases")).content.decode()
    assert client.get(reverse("petitions:case_detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("api:case-detail", args=[case.tracking_number])).status_code == 404
    squatter = User.objects.get(email=OWNER)
    assert not cases_visible_to(squatter).filter(pk=case.pk).exists()


def test_until_confirmed_an_account_sees_what_it_submitted_itself(capture, client, category, region):
    register(capture, client, OWNER)
    log_in(client, OWNER)
    response = client.post(reverse("petitions:case_submit"), {
        "kind": "suggestion", "category": category.pk, "region": region.pk, "urgency": "normal",
        "title": "增设公交站", "body": "建议在幸福里增设公交站，方便老人出行。", "submission_key": str(uuid.uuid4()),
    })
    assert response.status_code == 302
    own = Case.objects.get(title="增设公交站")
    assert own.citizen == User.objects.get(email=OWNER)
    assert client.get(reverse("petitions:case_detail", args=[own.pk])).status_code == 200
    assert "增设公交站" in client.get(reverse("petitions:my_cases")).content.decode()


def test_confirming_the_address_brings_the_cases_recorded_with_it_before(capture, client, operator, category,
                                                                         region):
    register(capture, client, OWNER)
    earlier = record_call(operator, category, region)
    other = record_call(operator, category, region, email="someone.else@example.org", title="别人的来电")
    log_in(client, OWNER)
    link = confirmation_link()

    page = client.get(link)
    assert page.status_code == 200 and 'method="post"' in page.content.decode()
    assert Case.objects.get(pk=earlier.pk).citizen is None  # opening the link confirms nothing
    response = client.post(link)

    assert response.status_code == 302 and response["Location"] == reverse("petitions:my_cases")
    owner = User.objects.get(email=OWNER)
    assert owner.email_confirmed
    earlier.refresh_from_db()
    assert earlier.citizen == owner and Case.objects.get(pk=other.pk).citizen is None
    assert earlier.history.first().history_change_reason == "linked_to_account"
    assert "楼道堆放杂物" in client.get(reverse("petitions:my_cases")).content.decode()
    assert client.get(reverse("petitions:case_detail", args=[earlier.pk])).status_code == 200


def test_a_case_recorded_after_the_address_is_confirmed_is_the_account_s_at_once(operator, category, region):
    owner = UserFactory(email=OWNER)
    case = record_call(operator, category, region)
    assert case.citizen == owner


def test_an_address_confirmed_while_a_case_is_recorded_still_gets_it(operator, category, region, monkeypatch):
    """The recording read the account before its confirmation committed;
    the confirmation's linking ran before the case existed."""
    owner = UserFactory(email=OWNER, email_confirmed_at=None)
    from petitions import services

    real_submit = services.case_submit

    def submit_then_confirm(**kwargs):
        result = real_submit(**kwargs)
        User.objects.filter(pk=owner.pk).update(email_confirmed_at=owner.date_joined)
        return result

    monkeypatch.setattr(services, "case_submit", submit_then_confirm)
    case = record_call(operator, category, region)
    case.refresh_from_db()
    assert case.citizen == owner


def test_the_link_confirms_only_for_the_account_logged_in_with_its_password(capture, client, operator, category,
                                                                             region):
    register(capture, client, OWNER)
    case = record_call(operator, category, region)
    link = confirmation_link()

    # A mail scanner, or the owner of the mailbox who did not register: no password, no confirmation.
    assert client.get(link)["Location"].startswith(reverse("accounts:login"))
    assert client.post(link)["Location"].startswith(reverse("accounts:login"))
    stranger = UserFactory()
    client.force_login(stranger)
    response = client.post(link, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "not valid for your account" in response.content.decode()

    assert not User.objects.get(email=OWNER).email_confirmed
    assert Case.objects.get(pk=case.pk).citizen is None


def test_a_tampered_or_expired_link_confirms_nothing(capture, client, settings):
    register(capture, client, OWNER)
    log_in(client, OWNER)
    link = confirmation_link()

    tampered = client.post(link[:-3] + "xx/", HTTP_ACCEPT_LANGUAGE="en")
    assert tampered.status_code == 400
    later = signing.time.time() + settings.ACCOUNT_CONFIRMATION_DAYS * 86400 + 60
    with mock.patch("django.core.signing.time.time", return_value=later):
        expired = client.post(link, HTTP_ACCEPT_LANGUAGE="en")
    assert expired.status_code == 400 and "has expired" in expired.content.decode()
    assert not User.objects.get(email=OWNER).email_confirmed


def test_a_link_for_an_address_since_changed_confirms_nothing(capture, client):
    register(capture, client, OWNER)
    log_in(client, OWNER)
    link = confirmation_link()
    User.objects.filter(email=OWNER).update(email="new.address@example.org")
    assert client.post(link).status_code == 400
    assert not User.objects.get(email="new.address@example.org").email_confirmed


def test_an_unconfirmed_account_asks_for_a_new_link(capture, client):
    register(capture, client, OWNER)
    log_in(client, OWNER)
    home = client.get("/").content.decode()
    assert reverse("accounts:confirm_email_resend") in home  # the account menu says so
    mail.outbox.clear()

    response = committed(capture, client, reverse("accounts:confirm_email_resend"))
    assert response.status_code == 302
    link = confirmation_link()
    client.post(link)
    assert User.objects.get(email=OWNER).email_confirmed
    assert reverse("accounts:confirm_email_resend") not in client.get("/").content.decode()
    # Confirmed: nothing more is sent.
    mail.outbox.clear()
    committed(capture, client, reverse("accounts:confirm_email_resend"))
    assert mail.outbox == []


@pytest.mark.parametrize("language, words", [("zh-hans", "尝试次数过多"), ("en", "Too many attempts")])
def test_new_links_are_rate_limited(capture, client, settings, language, words):
    settings.ACCOUNT_MAIL_RATE_PER_ADDRESS = "3/h"
    user = UserFactory(email=OWNER, email_confirmed_at=None)
    client.force_login(user)
    codes = [committed(capture, client, reverse("accounts:confirm_email_resend"),
                       HTTP_ACCEPT_LANGUAGE=language).status_code for _ in range(4)]
    assert codes == [302, 302, 302, 429]
    response = client.post(reverse("accounts:confirm_email_resend"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 429 and words in response.content.decode()
    assert len(mails_to(OWNER)) == 3


def test_accounts_made_before_confirmation_existed_count_as_confirmed():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("accounts.migrations.0004_user_email_confirmed_at")
    earlier = UserFactory(email_confirmed_at=None)
    migration.existing_accounts_confirmed(apps, None)
    earlier.refresh_from_db()
    assert earlier.email_confirmed


def test_the_demo_accounts_are_confirmed():
    from django.core.management import call_command

    call_command("load_demo", "--without-history")
    assert not User.objects.filter(email_confirmed_at=None).exists()


def test_an_open311_or_api_case_is_never_linked_by_its_address(operator):
    """Only phone and walk-in cases an operator recorded are the address's
    to claim: a case filed through the API by another program is not."""
    from petitions.services import cases_link_to_citizen

    owner = UserFactory(email=OWNER)
    by_a_program = CaseFactory(channel=Channel.API, citizen=None, recorded_by=operator, contact_email=OWNER)
    assert cases_link_to_citizen(citizen_id=owner.pk) == 0
    by_a_program.refresh_from_db()
    assert by_a_program.citizen is None


def test_an_address_changed_by_an_administrator_is_unconfirmed_again(client, operator, category, region):
    admin = UserFactory(is_staff=True, is_superuser=True)
    owner = UserFactory(email=OWNER)
    client.force_login(admin)
    url = reverse("admin:accounts_user_change", args=[owner.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update({"email": "new.address@example.org", "groups": [], "user_permissions": [],
                 "date_joined_0": owner.date_joined.date().isoformat(),
                 "date_joined_1": owner.date_joined.time().strftime("%H:%M:%S"),
                 "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"})
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    owner.refresh_from_db()
    assert owner.email == "new.address@example.org" and not owner.email_confirmed
    assert record_call(operator, category, region, email="new.address@example.org").citizen is None


def test_the_unlinked_cases_of_an_address_are_found_by_their_index_on_postgresql(operator):
    from django.db import connection

    from petitions.models import UNLINKED_OFFLINE
    from tests.plans import plan_without_seq_scans

    if connection.vendor != "postgresql":
        pytest.skip("index plans are checked on PostgreSQL")
    CaseFactory(citizen=None, channel=Channel.PHONE, recorded_by=operator, contact_email=OWNER)
    plan = plan_without_seq_scans(Case.objects.filter(UNLINKED_OFFLINE, contact_email=OWNER))
    # Either partial index of unlinked offline cases bounds the read (the
    # phone's may win on a table this small); never the whole table.
    assert "case_unlinked_email_idx" in plan or "case_unlinked_phone_idx" in plan, plan
