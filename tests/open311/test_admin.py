"""Administrators manage services, attributes and API keys in the admin;
a new key is shown once and stored only as its hash."""

import re

import pytest
from django.contrib.messages import get_messages

from open311.keys import active_key
from open311.models import ApiKey

pytestmark = pytest.mark.django_db


def test_a_key_made_in_the_admin_is_shown_once_and_works(admin_client, system_account, region):
    response = admin_client.post("/admin/open311/apikey/add/", {
        "name": "Street app", "user": system_account.pk, "region": region.pk, "is_active": "on",
    })
    assert response.status_code == 302, response.content
    found = [re.search(r"([A-Za-z0-9_-]{43})", str(m)) for m in get_messages(response.wsgi_request)]
    [raw] = [match.group(1) for match in found if match]
    key = ApiKey.objects.get()
    assert active_key(raw) == key
    assert raw not in key.key_hash
    # Editing it later keeps the same secret.
    admin_client.post(f"/admin/open311/apikey/{key.pk}/change/", {
        "name": "Street app 2", "user": system_account.pk, "region": region.pk, "is_active": "on",
    })
    assert active_key(raw).name == "Street app 2"


@pytest.mark.parametrize("model", ["service", "serviceattribute", "apikey", "servicerequest"])
def test_admin_pages_open(admin_client, pothole, api_key, model):
    assert admin_client.get(f"/admin/open311/{model}/").status_code == 200
    assert admin_client.get(f"/admin/open311/service/{pothole.open311_service.pk}/change/").status_code == 200
