"""A submission through the API does its work in a bounded number of
queries and answers with the case as the caller's list shows it, pointing
to the whole case; the rate limits count in the shared cache."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from api.throttling import ApiUserThrottle, ApiWriteThrottle
from tests.api.conftest import codes, token_client
from tests.api.test_cases import submission

pytestmark = pytest.mark.django_db


def test_a_submission_runs_a_bounded_number_of_queries(citizen, category, region, django_assert_max_num_queries):
    client = token_client(citizen)
    with django_assert_max_num_queries(25):
        response = client.post(reverse("api:cases"), submission(category, region), format="json")
    assert response.status_code == 201, response.content
    answer = response.json()
    case = answer["case"]
    assert answer["attachments"] == []
    assert response["Location"] == case["url"]
    whole = client.get(case["url"])
    assert whole.status_code == 200
    read = whole.json()
    assert read["replies"] == [] and read["feedback"] == [] and read["attachments"] == []
    assert [event["status"] for event in read["timeline"]] == ["已提交"]
    # What the answer says is what reading the case says.
    shared = [key for key in case if key in read]
    assert {"tracking_number", "status", "submitted_at", "deadline"} <= set(shared)
    assert {key: read[key] for key in shared} == {key: case[key] for key in shared}
    listed = client.get(reverse("api:cases")).json()["results"]
    assert listed[0] == case


def test_an_attachment_filed_with_the_case_is_in_the_answer(citizen, category, region):
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png")
    response = token_client(citizen).post(reverse("api:cases"), {**submission(category, region), "attachment": png},
                                          format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["attachments"] == ["photo.png"]


def _request(user, method="post"):
    request = getattr(RequestFactory(), method)("/api/v1/cases/", REMOTE_ADDR="10.0.0.9")
    request.user = user
    return request


def test_throttles_in_several_processes_share_one_exact_count(citizen, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        "anon": "100/min", "user": "5/min", "api_write": "100/min"}}
    # Two throttle objects stand for two web processes counting in one cache.
    processes = [ApiUserThrottle(), ApiUserThrottle()]
    allowed = [processes[n % 2].allow_request(_request(citizen), None) for n in range(10)]
    assert allowed == [True] * 5 + [False] * 5
    refused = processes[1]
    assert 0 < refused.wait() <= 60


def test_writes_are_limited_but_reads_are_not_counted_against_them(citizen, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        "anon": "100/min", "user": "100/min", "api_write": "1/min"}}
    throttle = ApiWriteThrottle()
    assert [throttle.allow_request(_request(citizen, "get"), None) for _ in range(3)] == [True] * 3
    assert [throttle.allow_request(_request(citizen), None) for _ in range(2)] == [True, False]


def test_a_broken_cache_lets_requests_through(citizen, settings, monkeypatch, caplog):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        "anon": "1/min", "user": "1/min", "api_write": "1/min"}}

    def unreachable(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr("api.throttling.count_hit", unreachable)
    assert all(ApiUserThrottle().allow_request(_request(citizen), None) for _ in range(3))
    assert "not counted" in caplog.text


def test_a_category_or_region_made_inactive_is_refused_at_once(citizen, category, region):
    client = token_client(citizen)
    assert client.post(reverse("api:cases"), submission(category, region), format="json").status_code == 201
    category.is_active = False
    category.save()
    response = client.post(reverse("api:cases"), submission(category, region, title="第二件噪音投诉"), format="json")
    assert response.status_code == 400
    assert ("category", "does_not_exist") in set(codes(response))
    region.is_active = False
    region.save()
    category.is_active = True
    category.save()
    response = client.post(reverse("api:cases"), submission(category, region, title="第三件噪音投诉"), format="json")
    assert set(codes(response)) == {("region", "does_not_exist")}


@pytest.mark.parametrize("sent", ["abc", 1.5, True, None, "999999"])
def test_a_category_that_is_not_an_id_is_refused(citizen, category, region, sent):
    response = token_client(citizen).post(reverse("api:cases"), {**submission(category, region), "category": sent},
                                          format="json")
    assert response.status_code == 400
    assert [field for field, _code in codes(response)] == ["category"]


def test_a_views_limits_are_counted_together_and_each_still_applies(citizen, category, region, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        "anon": "100/min", "user": "100/min", "api_write": "2/min"}}
    client = token_client(citizen)
    statuses = [client.post(reverse("api:cases"), submission(category, region, title=f"噪音投诉 {n}"),
                            format="json").status_code for n in range(3)]
    assert statuses == [201, 201, 429]
    # The user limit counted the same three requests: a read is over it now.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        "anon": "100/min", "user": "3/min", "api_write": "100/min"}}
    assert client.get(reverse("api:cases")).status_code == 429  # the user limit, on a read


def test_a_broken_cache_lets_api_requests_through(citizen, category, region, settings, monkeypatch, caplog):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        "anon": "1/min", "user": "1/min", "api_write": "1/min"}}

    def unreachable(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr("api.throttling.count_hit", unreachable)
    client = token_client(citizen)
    for n in range(2):
        response = client.post(reverse("api:cases"), submission(category, region, title=f"噪音投诉 {n}"), format="json")
        assert response.status_code == 201
    assert "not counted" in caplog.text
