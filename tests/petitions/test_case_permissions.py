"""Who may see and act on a case, page by page. Each test runs once per
actor: the citizen who owns the case, a follower (a citizen whose duplicate
was merged into it), another citizen, an official of the case's
department, an official of another department, a dispatcher, a supervisor,
and an anonymous visitor."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import DepartmentMembership
from petitions.lifecycle import Status
from petitions.models import Channel
from petitions.permissions import case_sight, cases_visible_to
from petitions.services import case_submit
from responses.models import CaseAssistance
from tests.factories import CaseFactory, DispatchedCaseFactory, UserFactory
from tests.petitions.test_case_submit import PNG

ACTORS = ["owner", "follower", "other_citizen", "official", "other_official", "dispatcher", "supervisor",
          "anonymous"]
CAN_READ = {"owner", "follower", "official", "dispatcher", "supervisor"}
# The follower opens the case, not what its citizen wrote nor their files.
CAN_READ_DETAILS = CAN_READ - {"follower"}
DETAILS = "我家门口的下水道堵了。"


@pytest.fixture
def follower(db):
    return UserFactory(email="frank@example.org")


@pytest.fixture
def actors(citizen, follower, other_citizen, official, other_official, dispatcher, supervisor):
    return {
        "owner": citizen, "follower": follower, "other_citizen": other_citizen, "official": official,
        "other_official": other_official, "dispatcher": dispatcher, "supervisor": supervisor, "anonymous": None,
    }


@pytest.fixture
def case(citizen, follower, department, category, region):
    """A private case of the owner's, dispatched to the official's
    department, with the follower's duplicate merged into it."""
    submitted, _ = case_submit(
        actor=citizen, kind="complaint", category=category, region=region, title="私人诉求",
        body=DETAILS, contact_email=citizen.email, contact_phone="13900004471",
        attachment=SimpleUploadedFile("photo.png", PNG),
    )
    submitted.status = Status.DISPATCHED
    submitted.lead_department = department
    submitted.save()
    CaseFactory(citizen=follower, category=category, region=region, status=Status.MERGED, merged_into=submitted)
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
def test_case_page_shows_the_details_and_files_to_those_the_rule_lets_read_them(client, actors, case, actor):
    response = as_actor(client, actors, actor).get(reverse("petitions:case_detail", args=[case.pk]))
    page = response.content.decode()
    attachment_url = reverse("petitions:attachment", args=[case.pk, case.attachments.get().pk])
    assert (DETAILS in page) == (attachment_url in page) == ("photo.png" in page) == (actor in CAN_READ_DETAILS)
    assert ("13900004471" in page) == (actor in {"official", "dispatcher", "supervisor"})


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_attachment(client, actors, case, actor):
    attachment = case.attachments.get()
    url = reverse("petitions:attachment", args=[case.pk, attachment.pk])
    response = as_actor(client, actors, actor).get(url)
    if actor == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == (200 if actor in CAN_READ_DETAILS else 404)
    if response.status_code == 200:
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
        assert response["Content-Type"] == "image/png"


@pytest.mark.django_db
def test_a_followers_download_looks_exactly_like_a_missing_one(client, follower, case, caplog):
    """The follower sees the case page, so the attachment's address is the
    only thing they could guess: refused, it answers as no attachment would."""
    attachment = case.attachments.get()
    client.force_login(follower)
    with caplog.at_level("WARNING", logger="wenzheng.access"):
        forbidden = client.get(reverse("petitions:attachment", args=[case.pk, attachment.pk]))
    missing_attachment = client.get(reverse("petitions:attachment", args=[case.pk, attachment.pk + 1000]))
    missing_case = client.get(reverse("petitions:attachment", args=[case.pk + 1000, attachment.pk]))
    assert forbidden.status_code == missing_attachment.status_code == missing_case.status_code == 404
    # The pages differ only in the CSRF token and the address they return to.
    bodies = {re.sub(rb'value="[^"]*"', b"", page.content) for page in (forbidden, missing_attachment, missing_case)}
    assert len(bodies) == 1
    assert f"attachment={attachment.pk}" in caplog.text


@pytest.mark.django_db
def test_an_attachment_is_only_found_under_its_own_case(client, citizen, case, category, region):
    other = CaseFactory(citizen=citizen, category=category, region=region)
    attachment = case.attachments.get()
    client.force_login(citizen)
    assert client.get(reverse("petitions:attachment", args=[other.pk, attachment.pk])).status_code == 404


@pytest.mark.django_db
def test_an_attachment_whose_file_is_gone_is_not_found(client, citizen, case):
    attachment = case.attachments.get()
    attachment.file.delete(save=False)
    client.force_login(citizen)
    assert client.get(reverse("petitions:attachment", args=[case.pk, attachment.pk])).status_code == 404


# --- the rule itself ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_sight_of_each_person(actors, case):
    sights = {name: case_sight(user, case) for name, user in actors.items()}
    assert sights["owner"].owner and sights["owner"].files and not sights["owner"].contact
    assert sights["follower"].follower and sights["follower"].case
    assert not (sights["follower"].details or sights["follower"].files or sights["follower"].contact
                or sights["follower"].internal)
    for name in ("official", "dispatcher", "supervisor"):
        assert sights[name].staff and sights[name].files and sights[name].contact and sights[name].internal
    for name in ("other_citizen", "other_official", "anonymous"):
        assert not sights[name].case and not sights[name].files


@pytest.mark.django_db
def test_work_wins_over_following(case, department, follower):
    """An official whose own duplicate was merged into a case of their
    department works that case: they see it as staff do."""
    DepartmentMembership.objects.create(user=follower, department=department)
    assert case_sight(follower, case).staff


@pytest.mark.django_db
def test_the_sight_and_the_case_lists_agree(actors, case, operator, assisting_department, assisting_official,
                                            category, region, department):
    """case_sight is the per-case form of cases_visible_to: whoever may open
    a case by one may open it by the other."""
    phone_case = CaseFactory(channel=Channel.PHONE, category=category, region=region, recorded_by=operator)
    assisted = DispatchedCaseFactory(category=category, region=region)
    CaseAssistance.objects.create(case=assisted, department=assisting_department)
    people = {**actors, "operator": operator, "assisting_official": assisting_official}
    for user in people.values():
        for each in (case, phone_case, assisted):
            listed = user is not None and cases_visible_to(user).filter(pk=each.pk).exists()
            assert case_sight(user, each).case == listed, (user, each)
    assert case_sight(operator, phone_case).staff and case_sight(assisting_official, assisted).staff


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
