"""Citizens register themselves; administrators manage the rest in the admin."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory


@pytest.mark.django_db
def test_citizen_registers_and_is_logged_in(client):
    response = client.post(
        reverse("accounts:register"),
        {"email": "New.Person@Example.org", "full_name": "新市民", "password1": "a-long-pass-phrase-42",
         "password2": "a-long-pass-phrase-42"},
    )
    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "new.person@example.org"
    assert client.get(reverse("petitions:my_cases")).status_code == 200


@pytest.mark.django_db
def test_registration_refuses_a_taken_address_and_a_weak_password(client, citizen):
    response = client.post(
        reverse("accounts:register"),
        {"email": citizen.email.upper(), "password1": "123", "password2": "123"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    content = response.content.decode()
    assert "already exists" in content
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_registration_does_not_redirect_off_site(client):
    response = client.post(
        reverse("accounts:register") + "?next=https://evil.example/",
        {"email": "x@example.org", "password1": "a-long-pass-phrase-42", "password2": "a-long-pass-phrase-42"},
    )
    assert response["Location"] == reverse("home")


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
    from responses.models import RoutingRule

    call_command("load_demo")
    call_command("load_demo")
    assert Department.objects.count() == 12
    assert RoutingRule.objects.count() == 11
    assert User.objects.filter(email="dispatcher@wenzheng.example", groups__name="dispatcher").exists()
