"""After logging in, staff land at their work; a safe `next` still wins."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory, official_of

pytestmark = pytest.mark.django_db


def _login(client, user, **query):
    url = reverse("accounts:login")
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return client.post(url, {"username": user.email, "password": PASSWORD})


@pytest.mark.parametrize(("roles", "landing"), [
    (["dispatcher"], "responses:routing_centre"),
    (["supervisor"], "supervision:dashboard"),
    (["moderator"], "publication:moderation_queue"),
    (["operator"], "petitions:case_record"),
    ([], "home"),
])
def test_each_role_lands_on_its_work(client, roles, landing):
    user = UserFactory(email="someone@example.org", roles=roles)
    response = _login(client, user)
    assert response.status_code == 302
    assert response.url == reverse(landing)


def test_an_official_lands_in_the_inbox(client, department):
    response = _login(client, official_of(department, email="o@example.org"))
    assert response.url == reverse("responses:inbox")


def test_a_safe_next_wins_over_the_landing(client, department):
    official = official_of(department, email="o@example.org")
    response = _login(client, official, next="/public/cases/")
    assert response.url == "/public/cases/"


def test_an_unsafe_next_is_ignored(client, department):
    official = official_of(department, email="o@example.org")
    response = _login(client, official, next="https://evil.example/")
    assert response.url == reverse("responses:inbox")
