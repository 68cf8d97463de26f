"""Every error comes in one shape, says which field, and is translated;
rate limits answer 429 in that shape too."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.api.conftest import codes, token_client

pytestmark = pytest.mark.django_db


def assert_shape(response):
    body = response.json()
    assert set(body) == {"errors"} and body["errors"]
    for error in body["errors"]:
        assert set(error) == {"field", "code", "message"} and error["code"] and error["message"]


def test_shapes_of_401_403_404_405_400(citizen):
    client = token_client(citizen)
    responses = {
        401: APIClient().get(reverse("api:cases")),
        403: client.get(reverse("api:inbox")),
        404: client.get(reverse("api:case-detail", kwargs={"tracking": "nope"})),
        405: client.delete(reverse("api:cases")),
        400: client.post(reverse("api:cases"), {}, format="json"),
    }
    for status, response in responses.items():
        assert response.status_code == status
        assert_shape(response)
    assert ("title", "required") in codes(responses[400])


def test_unknown_api_addresses_answer_404_in_the_same_shape(citizen):
    response = token_client(citizen).get("/api/v1/no/such/thing/")
    assert response.status_code == 404
    assert_shape(response)


def test_malformed_json_is_a_400(citizen):
    response = token_client(citizen).post(reverse("api:cases"), "{not json", content_type="application/json")
    assert response.status_code == 400
    assert codes(response) == [(None, "parse_error")]


def test_messages_are_translated(citizen):
    chinese = APIClient().get(reverse("api:me"), HTTP_ACCEPT_LANGUAGE="zh-hans").json()["errors"][0]["message"]
    english = APIClient().get(reverse("api:me"), HTTP_ACCEPT_LANGUAGE="en").json()["errors"][0]["message"]
    assert english == "Authentication credentials were not provided."
    assert chinese != english


def test_rate_limits_answer_429_with_retry_after(citizen, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "3/min", "api_write": "1/min"}}
    client = token_client(citizen)
    statuses = [client.get(reverse("api:me")).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get(reverse("api:me"))
    assert_shape(limited)
    assert codes(limited) == [(None, "throttled")] and int(limited["Retry-After"]) > 0
    guesses = [APIClient().get(reverse("api:me"), HTTP_AUTHORIZATION=f"Bearer wz_guess{n}").status_code
               for n in range(3)]
    assert guesses == [401, 401, 429]


def test_writes_have_their_own_tighter_limit(citizen, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"anon": "100/min", "user": "100/min", "api_write": "1/min"}}
    client = token_client(citizen)
    assert client.post(reverse("api:cases"), {}, format="json").status_code == 400
    assert client.post(reverse("api:cases"), {}, format="json").status_code == 429
    assert client.get(reverse("api:cases")).status_code == 200


def test_a_crash_under_the_api_answers_in_the_error_shape(client, citizen, monkeypatch):
    """A request DRF did not turn into an error (a bug in a view) still
    answers in the API's one shape; pages keep the site's own error page."""
    from api.views import account

    def crash(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(account.MeView, "get", crash)
    client.raise_request_exception = False
    client.force_login(citizen)
    response = client.get("/api/v1/me/")
    assert response.status_code == 500
    assert response.json()["errors"][0]["code"] == "server_error"


def test_an_unreadable_request_under_the_api_answers_in_the_error_shape(rf):
    from api.errors import handler400

    response = handler400(rf.post("/api/v1/cases/"))
    assert response.status_code == 400 and b'"bad_request"' in response.content
    assert handler400(rf.get("/cases/")).status_code == 400  # the site's own page elsewhere


@pytest.mark.django_db
def test_a_body_nested_too_deep_is_refused_as_malformed(citizen):
    from django.urls import reverse

    from tests.api.conftest import token_client

    body = "[" * 5000 + "]" * 5000
    response = token_client(citizen).post(reverse("api:cases"), body, content_type="application/json",
                                          HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "parse_error"
