"""Who may see and act on a case, page by page. Each test runs once per
actor: the citizen who owns the case, another citizen, an official of the
case's department, an official of another department, a dispatcher, a
supervisor, and an anonymous visitor."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from petitions.lifecycle import Status
from petitions.services import case_submit
from tests.factories import DispatchedCaseFactory
from tests.petitions.test_case_submit import PNG

ACTORS = ["owner", "other_citizen", "official", "other_official", "dispatcher", "supervisor", "anonymous"]
CAN_READ = {"owner", "official", "dispatcher", "supervisor"}


@pytest.fixture
def actors(citizen, other_citizen, official, other_official, dispatcher, supervisor):
    return {
        "owner": citizen, "other_citizen": other_citizen, "official": official,
        "other_official": other_official, "dispatcher": dispatcher, "supervisor": supervisor, "anonymous": None,
    }


@pytest.fixture
def case(citizen, department, category, region):
    """A private case of the owner's, dispatched to the official's department."""
    submitted, _ = case_submit(
        actor=citizen, kind="complaint", category=category, region=region, title="私人诉求",
        body="我家门口的下水道堵了。", contact_email=citizen.email,
        attachment=SimpleUploadedFile("photo.png", PNG),
    )
    submitted.status = Status.DISPATCHED
    submitted.lead_department = department
    submitted.save()
    return submitted


def as_actor(client, actors, name):
    if actors[name] is not None:
        client.force_login(actors[name])
    return client


def expected_read_status(actor: str) -> int:
    if actor == "anonymous":
        return 302
    return 200 if actor in CAN_READ else 404


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_case_page(client, actors, case, actor):
    response = as_actor(client, actors, actor).get(reverse("petitions:case_detail", args=[case.pk]))
    assert response.status_code == expected_read_status(actor)
    if response.status_code == 200:
        assert case.title in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_attachment(client, actors, case, actor):
    attachment = case.attachments.get()
    url = reverse("petitions:attachment", args=[case.pk, attachment.pk])
    response = as_actor(client, actors, actor).get(url)
    assert response.status_code == expected_read_status(actor)
    if response.status_code == 200:
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
        assert response["Content-Type"] == "image/png"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name, allowed",
    [
        ("responses:inbox", {"official", "other_official"}),
        ("responses:routing_centre", {"dispatcher"}),
        ("supervision:overview", {"supervisor"}),
        ("petitions:my_cases", set(ACTORS) - {"anonymous"}),
    ],
)
@pytest.mark.parametrize("actor", ACTORS)
def test_list_pages(client, actors, case, actor, url_name, allowed):
    response = as_actor(client, actors, actor).get(reverse(url_name))
    if actor == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == (200 if actor in allowed else 403)


@pytest.mark.django_db
def test_a_forbidden_case_looks_exactly_like_a_missing_one(client, other_citizen, case):
    client.force_login(other_citizen)
    forbidden = client.get(reverse("petitions:case_detail", args=[case.pk]))
    missing = client.get(reverse("petitions:case_detail", args=[case.pk + 1000]))
    assert forbidden.status_code == missing.status_code == 404
    # The pages differ only in the CSRF token and the address they return to.
    without_tokens = [re.sub(rb'value="[^"]*"', b"", page.content) for page in (forbidden, missing)]
    assert without_tokens[0] == without_tokens[1]


@pytest.mark.django_db
def test_other_citizens_and_departments_do_not_see_the_case_in_their_lists(
    client, other_citizen, other_official, official, case
):
    client.force_login(other_citizen)
    assert case.tracking_number not in client.get(reverse("petitions:my_cases")).content.decode()
    client.force_login(other_official)
    assert case.tracking_number not in client.get(reverse("responses:inbox")).content.decode()
    client.force_login(official)
    assert case.tracking_number in client.get(reverse("responses:inbox")).content.decode()


@pytest.mark.django_db
def test_refused_attempts_are_logged(client, other_citizen, case, caplog):
    client.force_login(other_citizen)
    with caplog.at_level("WARNING", logger="wenzheng.access"):
        client.get(reverse("petitions:case_detail", args=[case.pk]))
    assert f"case={case.pk}" in caplog.text


@pytest.mark.django_db
def test_official_of_the_department_sees_a_dispatched_case_in_the_inbox(client, official):
    other = DispatchedCaseFactory()
    client.force_login(official)
    assert other.tracking_number not in client.get(reverse("responses:inbox")).content.decode()
