"""Clients for the API: a program with a token, and a browser session."""

import pytest
from rest_framework.test import APIClient

from api.services import token_create


@pytest.fixture
def api():
    return APIClient()


def token_client(user) -> APIClient:
    """A program using an API token made by `user` for themselves."""
    _token, key = token_create(actor=user, user=user, name="test program")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def session_client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def codes(response):
    return [(error["field"], error["code"]) for error in response.json()["errors"]]
