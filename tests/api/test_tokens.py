"""API tokens: made and revoked by their owner (endpoints and a page) or by
an administrator for a system account; stored hashed; refused once revoked."""

import hashlib
import re

import pytest
from django.contrib import messages
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import ApiToken
from api.services import token_create
from tests.api.conftest import codes, session_client, token_client

pytestmark = pytest.mark.django_db


def bearer(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_a_logged_in_user_creates_a_token_and_a_program_uses_it(citizen):
    created = session_client(citizen).post(reverse("api:tokens"), {"name": "我的脚本"}, format="json")
    assert created.status_code == 201
    key = created.json()["key"]
    token = ApiToken.objects.get(pk=created.json()["id"])
    # Only the hash and the first characters are stored.
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest() and key.startswith(token.prefix)
    assert key not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    me = bearer(key).get(reverse("api:me"))
    assert me.status_code == 200 and me.json()["email"] == citizen.email
    token.refresh_from_db()
    assert token.last_used_at is not None
    listed = session_client(citizen).get(reverse("api:tokens")).json()
    assert [row["name"] for row in listed["results"]] == ["我的脚本"] and "key" not in listed["results"][0]


def test_a_revoked_token_is_refused(citizen):
    _token, key = token_create(actor=citizen, user=citizen, name="old")
    token = ApiToken.objects.get()
    revoked = session_client(citizen).post(reverse("api:token-revoke", args=[token.pk]))
    assert revoked.status_code == 200 and revoked.json()["revoked"] is True
    refused = bearer(key).get(reverse("api:me"))
    assert refused.status_code == 401
    assert codes(refused) == [(None, "authentication_failed")]
    assert refused["WWW-Authenticate"].startswith("Bearer")


def test_nobody_revokes_someone_elses_token(citizen, other_citizen):
    token_client(citizen)
    token = ApiToken.objects.get(user=citizen)
    response = session_client(other_citizen).post(reverse("api:token-revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked is False


def test_a_token_cannot_make_more_tokens(citizen):
    response = token_client(citizen).post(reverse("api:tokens"), {"name": "more"}, format="json")
    assert response.status_code == 403
    assert ApiToken.objects.count() == 1


def test_a_wrong_token_and_no_credentials_are_401(citizen):
    assert bearer("wz_not-a-token").get(reverse("api:me")).status_code == 401
    anonymous = APIClient().get(reverse("api:me"))
    assert anonymous.status_code == 401 and codes(anonymous) == [(None, "not_authenticated")]


def test_a_token_of_a_deactivated_account_is_refused(citizen):
    client = token_client(citizen)
    citizen.is_active = False
    citizen.save(update_fields=["is_active"])
    assert client.get(reverse("api:me")).status_code == 401


def test_the_account_page_creates_shows_once_and_revokes(client, citizen):
    client.force_login(citizen)
    page = client.post(reverse("api_pages:tokens"), {"name": "数据导出"})
    assert page.status_code == 200
    token = ApiToken.objects.get(user=citizen)
    key = page.context["new_key"]
    assert key.startswith(token.prefix) and key in page.content.decode()
    again = client.get(reverse("api_pages:tokens")).content.decode()
    assert key not in again and token.prefix in again
    client.post(reverse("api_pages:revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked
    assert bearer(key).get(reverse("api:me")).status_code == 401


def test_the_page_needs_a_name(client, citizen):
    client.force_login(citizen)
    response = client.post(reverse("api_pages:tokens"), {"name": ""})
    assert response.status_code == 400 and not ApiToken.objects.exists()


def test_an_administrator_makes_a_token_for_a_system_account(client, django_user_model):
    admin = django_user_model.objects.create_superuser(email="root@example.org", password="x")
    system = django_user_model.objects.create_user(email="bridge@example.org")
    client.force_login(admin)
    response = client.post(reverse("admin:api_apitoken_add"), {"user": system.pk, "name": "Open311 bridge"},
                           follow=True)
    assert response.status_code == 200
    token = ApiToken.objects.get(user=system)
    [message] = [str(message) for message in response.context["messages"] if message.level == messages.WARNING]
    [key] = re.findall(r"wz_[\w-]{43}", message)
    assert key.startswith(token.prefix) and token.created_by == admin
    assert bearer(key).get(reverse("api:me")).json()["email"] == "bridge@example.org"


def test_only_an_administrator_makes_tokens_in_the_admin(rf, db):
    """token_create refuses anyone else a token for another account, so the
    admin does not offer it to other staff (it would end in an error)."""
    from django.contrib import admin

    from api.models import ApiToken
    from tests.factories import UserFactory

    token_admin = admin.site.get_model_admin(ApiToken)
    request = rf.get("/admin/api/apitoken/add/")
    request.user = UserFactory(is_staff=True)
    assert not token_admin.has_add_permission(request)
    request.user = UserFactory(is_staff=True, is_superuser=True)
    assert token_admin.has_add_permission(request)


def test_a_token_is_read_with_its_account_in_one_query(citizen, django_assert_num_queries):
    from api.selectors import active_token_for_key

    token_create(actor=citizen, user=citizen, name="脚本")
    _other, key = token_create(actor=citizen, user=citizen, name="another")
    with django_assert_num_queries(1):
        token = active_token_for_key(key)
        assert (token.name, token.user, token.user.email) == ("another", citizen, citizen.email)
    assert token.created_at.tzinfo is not None and token.user.date_joined == citizen.date_joined
    assert token == ApiToken.objects.get(name="another")
    assert active_token_for_key(key + "x") is None
