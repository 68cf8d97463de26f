"""Citizens register themselves; administrators manage the rest in the admin."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory


@pytest.mark.django_db
def test_citizen_registers_then_logs_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:register"),
            {"email": "New.Person@Example.org", "full_name": "新市民", "password1": "a-long-pass-phrase-42",
             "password2": "a-long-pass-phrase-42"},
        )
    assert response.status_code == 302 and response["Location"] == reverse("accounts:register_done")
    user = User.objects.get()
    assert user.email == "new.person@example.org" and not user.email_confirmed
    client.post(reverse("accounts:login"), {"username": user.email, "password": "a-long-pass-phrase-42"})
    assert client.get(reverse("petitions:my_cases")).status_code == 200


@pytest.mark.django_db
def test_registration_refuses_a_weak_password(client):
    response = client.post(
        reverse("accounts:register"), {"email": "x@example.org", "password1": "123", "password2": "123"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200 and "This password is too short" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_registration_does_not_redirect_off_site(client):
    response = client.post(
        reverse("accounts:register") + "?next=https://evil.example/",
        {"email": "x@example.org", "password1": "a-long-pass-phrase-42", "password2": "a-long-pass-phrase-42"},
    )
    assert response["Location"] == reverse("accounts:register_done")


@pytest.mark.django_db
def test_login_with_email_and_password(client, citizen, password):
    response = client.post(reverse("accounts:login"), {"username": citizen.email, "password": password})
    assert response.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model", ["accounts/department", "accounts/user", "petitions/category", "petitions/region",
              "responses/routingrule", "petitions/case", "responses/routingdecision",
              "petitions/rejectionreason", "responses/replytemplate", "responses/returnrequest",
              "notifications/notification"],
)
def test_administrator_manages_reference_data_in_the_admin(client, model):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert client.get(f"/admin/{model}/").status_code == 200
    add = client.get(f"/admin/{model}/add/").status_code
    # Cases and routing decisions change only through the lifecycle services.
    read_only = {"petitions/case", "responses/routingdecision", "responses/returnrequest", "notifications/notification"}
    assert add == (403 if model in read_only else 200)


@pytest.mark.django_db
def test_demo_data_loads_twice_without_duplicates():
    from django.core.management import call_command

    from accounts.models import Department
    from portal.demo import DEPARTMENTS, RULES
    from responses.models import RoutingRule

    call_command("load_demo", "--without-history")
    counts = (Department.objects.count(), RoutingRule.objects.count(), User.objects.count())
    call_command("load_demo", "--without-history")
    assert (Department.objects.count(), RoutingRule.objects.count(), User.objects.count()) == counts
    # The demo's own rules, and those of the street offices' areas.
    assert counts[0] == len(DEPARTMENTS) and counts[1] > len(RULES)
    assert User.objects.filter(email="dispatcher@wenzheng.example", groups__name="dispatcher").exists()


@pytest.mark.django_db
def test_the_password_rules_speak_chinese_on_a_chinese_page(client):
    response = client.post(
        reverse("accounts:register"), {"email": "x@example.org", "password1": "1234", "password2": "1234"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    page = response.content.decode()
    assert "密码太短，至少需要 8 个字符。" in page
    assert "This password" not in page and "characters" not in page
