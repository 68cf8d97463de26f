"""Following a public case instead of filing the same matter again: only
public cases, only signed-in people, once each; followers are told once per
published answer, and list what they follow on a page of fixed cost."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications.models import Event, Notification
from portal.errors import ActionForbidden, DomainError
from publication.following import case_follow, case_unfollow
from publication.models import CaseFollow
from responses.models import Reply, ReplyState
from tests.factories import UserFactory
from tests.publication.conftest import answered_case, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def follower(db):
    return UserFactory(email="follower@example.org")


@pytest.fixture
def public_case(make_public):
    return make_public("Noise from the building site at night", "Trucks every night after midnight.").case


def page_of(case):
    return reverse("publication:case_detail", kwargs={"tracking_number": case.tracking_number})


def test_follow_and_unfollow_are_idempotent(follower, public_case):
    case_follow(actor=follower, case_id=public_case.pk)
    case_follow(actor=follower, case_id=public_case.pk)
    assert CaseFollow.objects.filter(user=follower, case=public_case).count() == 1
    case_unfollow(actor=follower, case_id=public_case.pk)
    case_unfollow(actor=follower, case_id=public_case.pk)
    assert not CaseFollow.objects.filter(user=follower).exists()


def test_follow_through_the_page(client, follower, public_case):
    client.force_login(follower)
    page = client.get(page_of(public_case)).content.decode()
    assert "Follow this case" in page and "Stop following" not in page
    url = reverse("publication:follow_case", kwargs={"tracking_number": public_case.tracking_number})
    assert client.post(url)["Location"] == page_of(public_case)
    assert client.post(url).status_code == 302
    assert CaseFollow.objects.filter(user=follower, case=public_case).count() == 1
    assert "Stop following" in client.get(page_of(public_case)).content.decode()
    client.post(reverse("publication:unfollow_case", kwargs={"tracking_number": public_case.tracking_number}))
    assert not CaseFollow.objects.exists()
    # Following changes something: a GET does not.
    assert client.get(url).status_code == 405


def test_a_private_case_cannot_be_followed(client, follower, department):
    private = answered_case(department=department, title="My neighbour's dog", body="Barks.", wants_public=False)
    awaiting = answered_case(department=department, title="Awaiting moderation", body="Not approved yet.")
    client.force_login(follower)
    for case in (private, awaiting):
        for name in ("publication:follow_case", "publication:unfollow_case"):
            url = reverse(name, kwargs={"tracking_number": case.tracking_number})
            assert client.post(url).status_code == 404
        with pytest.raises(DomainError):
            case_follow(actor=follower, case_id=case.pk)
    assert not CaseFollow.objects.exists()


def test_anonymous_is_sent_to_log_in_and_back_to_the_case(client, public_case):
    page = client.get(page_of(public_case)).content.decode()
    assert "Log in to follow this case" in page
    assert f"?next={page_of(public_case)}" in page.replace("%2F", "/")
    url = reverse("publication:follow_case", kwargs={"tracking_number": public_case.tracking_number})
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "next=" in response["Location"] and "follow" not in response["Location"]
    assert not CaseFollow.objects.exists()
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(ActionForbidden):
        case_follow(actor=AnonymousUser(), case_id=public_case.pk)


def test_followers_are_told_once_per_published_answer(
    client, follower, department, moderator, django_capture_on_commit_callbacks
):
    author = UserFactory(email="author@example.org")
    case = answered_case(department=department, title="Broken street light on Elm road",
                         body="Dark for a week.", citizen=author)
    publish(case, moderator)  # published, not answered yet
    other = UserFactory(email="other@example.org")
    case_follow(actor=follower, case_id=case.pk)
    case_follow(actor=other, case_id=case.pk)
    case_follow(actor=author, case_id=case.pk)  # the author has their own REPLIED event
    assert not Notification.objects.filter(event=Event.FOLLOWED_ANSWERED).exists()

    now = timezone.now()
    Reply.objects.create(case=case, department=department, author=UserFactory(), body="Repaired on Monday.",
                         state=ReplyState.PUBLISHED, published_at=now, created_at=now - datetime.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        publish(case, moderator, answer="Repaired on Monday.")
    with django_capture_on_commit_callbacks(execute=True):
        publish(case, moderator, answer="Repaired on Monday (corrected).")  # the same answer, again
    told = Notification.objects.filter(event=Event.FOLLOWED_ANSWERED)
    assert sorted(told.values_list("recipient__email", flat=True)) == ["follower@example.org", "other@example.org"]
    sent = [message for message in mail.outbox if "follower@example.org" in message.to]
    assert len(sent) == 1
    assert "Repaired on Monday" in sent[0].body
    assert f"/public/cases/{case.tracking_number}/" in sent[0].body
    assert f"/cases/{case.pk}/" not in sent[0].body.replace(f"/public/cases/{case.tracking_number}/", "")

    # A later answer, once approved, is told again.
    later = timezone.now() + datetime.timedelta(minutes=5)
    Reply.objects.create(case=case, department=department, author=UserFactory(), body="Checked again.",
                         state=ReplyState.PUBLISHED, published_at=later, created_at=later)
    with django_capture_on_commit_callbacks(execute=True):
        publish(case, moderator, answer="Checked again.")
    assert Notification.objects.filter(event=Event.FOLLOWED_ANSWERED, recipient=follower).count() == 2

    # The follower opens it on the public page, not on the case they may not see.
    client.force_login(follower)
    notification = Notification.objects.filter(recipient=follower).first()
    response = client.post(reverse("notifications:open", kwargs={"notification_id": notification.pk}))
    assert response["Location"] == page_of(case)


# session, user, memberships and roles and unread count (base.html), page count, rows
QUERIES = 7


def test_the_following_page_lists_followed_public_cases_in_fixed_queries(
    client, follower, make_public, django_assert_max_num_queries, django_assert_num_queries
):
    client.force_login(follower)
    url = reverse("publication:following")
    first = make_public("Potholes on the ring road", "Deep holes near exit four.").case
    case_follow(actor=follower, case_id=first.pk)
    client.get(url)  # warm the session and caches
    with django_assert_max_num_queries(QUERIES) as baseline:
        one_page = client.get(url)
    assert "Potholes on the ring road" in one_page.content.decode()
    for number in range(4):
        case = make_public(f"Flooded underpass number {number}", "Water after every rain.").case
        case_follow(actor=follower, case_id=case.pk)
    make_public("Not followed at all", "Somebody else's matter.")
    with django_assert_num_queries(len(baseline.captured_queries)):
        many = client.get(url)
    body = many.content.decode()
    assert body.count('class="public-case"') == 5
    assert "Not followed at all" not in body
