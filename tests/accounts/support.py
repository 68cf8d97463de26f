"""Helpers for the account tests: registering through the page, and the
links of the e-mails the portal sent."""

import re
from urllib.parse import urlparse

from django.core import mail
from django.urls import reverse

NEW_PASSWORD = "a-long-pass-phrase-42"
LINK = re.compile(r"https?://\S+")


def committed(capture, client, url, data=None, **extra):
    """POST, and run what the request left for after its commit (the
    e-mails): tests run inside a transaction that never commits.
    `capture` is pytest-django's django_capture_on_commit_callbacks."""
    with capture(execute=True):
        return client.post(url, data or {}, **extra)


def register(capture, client, email, password=NEW_PASSWORD, **extra):
    return committed(capture, client, reverse("accounts:register"),
                     {"email": email, "full_name": "", "password1": password, "password2": password}, **extra)


def log_in(client, email, password=NEW_PASSWORD):
    response = client.post(reverse("accounts:login"), {"username": email, "password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def links_in(message) -> list[str]:
    """The paths of the portal's links in an e-mail."""
    return [urlparse(url).path for url in LINK.findall(message.body)]


def mails_to(address) -> list:
    return [message for message in mail.outbox if message.to == [address]]
