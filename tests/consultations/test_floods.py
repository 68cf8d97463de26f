"""Comment floods: limits per client address and e-mail domain counted in
the signatures' shared counters, and supervisors' bulk invalidation with
its record and reason."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.models import Comment, CommentGroup, CommentInvalidation, ConsultationSettings
from portal.errors import TransitionNotAllowed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CAMPAIGN = "坚决反对提高停车收费标准，这将加重市民负担，请重新考虑本条规定！"


@pytest.fixture(autouse=True)
def _pages_in_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def set_rates(**rates):
    config = ConsultationSettings.load()
    for name, value in rates.items():
        setattr(config, name, value)
    config.save()


def comment_url(consultation):
    return reverse("consultations:comment", args=[consultation.pk])


def test_commenting_over_the_address_limit_gets_a_429_with_retry_after_and_records_nothing(
        client, open_consultation, citizen, other_citizen):
    set_rates(comment_rate_per_address="3/h")
    client.force_login(citizen)
    codes = [client.post(comment_url(open_consultation), {"body": f"意见{n}"}, REMOTE_ADDR="203.0.113.9").status_code
             for n in range(3)]
    assert codes == [302, 302, 302]
    refused = client.post(comment_url(open_consultation), {"body": "第四条意见"}, REMOTE_ADDR="203.0.113.9",
                          HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 3600
    assert "Too many comments came from your network address" in refused.content.decode()
    zh = client.post(comment_url(open_consultation), {"body": "第五条意见"}, REMOTE_ADDR="203.0.113.9",
                     HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert zh.status_code == 429 and "短时间内来自您网络地址的意见过多" in zh.content.decode()
    assert Comment.objects.count() == 3
    assert set(Comment.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}
    # Another person at the same address is held back too (the limit is the address's) ...
    client.force_login(other_citizen)
    assert client.post(comment_url(open_consultation), {"body": "我的意见"},
                       REMOTE_ADDR="203.0.113.9").status_code == 429
    # ... but not one elsewhere.
    assert client.post(comment_url(open_consultation), {"body": "我的意见"},
                       REMOTE_ADDR="198.51.100.7").status_code == 302


def test_the_api_refuses_a_flood_with_429_too(client, open_consultation, citizen):
    set_rates(comment_rate_per_address="2/h")
    client.force_login(citizen)
    url = f"/api/v1/consultations/{open_consultation.pk}/comments/"
    codes = [client.post(url, {"body": f"意见{n}"}, content_type="application/json",
                         REMOTE_ADDR="203.0.113.20").status_code for n in range(3)]
    assert codes == [201, 201, 429]
    assert Comment.objects.count() == 2


def test_the_domain_limit_spans_addresses_but_spares_large_providers(client, open_consultation):
    set_rates(comment_rate_per_domain="2/h")
    codes = []
    for n in range(4):
        client.force_login(UserFactory(email=f"bot{n}@throwaway.test"))
        codes.append(client.post(comment_url(open_consultation), {"body": "同样的意见"},
                                 REMOTE_ADDR=f"203.0.113.{n + 1}").status_code)
    assert codes == [302, 302, 429, 429]
    codes = []
    for n in range(4):
        client.force_login(UserFactory(email=f"person{n}@qq.com"))
        codes.append(client.post(comment_url(open_consultation), {"body": "同样的意见"},
                                 REMOTE_ADDR=f"192.0.2.{n + 1}").status_code)
    assert codes == [302] * 4


# --- bulk invalidation -----------------------------------------------------------------


@pytest.fixture
def flood(open_consultation, moderator):
    """Four comments of one campaign from one address (the first of them
    the campaign's representative), and an honest comment from elsewhere,
    all published and grouped."""
    now = timezone.now()
    rows = [(CAMPAIGN, "203.0.113.9", 50), (CAMPAIGN, "203.0.113.9", 40), (CAMPAIGN, "198.51.100.4", 35),
            (CAMPAIGN, "203.0.113.9", 30), ("建议延长免费停车时间。", "192.0.2.1", 5)]
    for body, ip, minutes_ago in rows:
        comment = services.comment_submit(actor=UserFactory(), consultation_id=open_consultation.pk, body=body,
                                          ip_address=ip)
        Comment.objects.filter(pk=comment.pk).update(submitted_at=now - datetime.timedelta(minutes=minutes_ago))
        services.comment_group(comment_id=comment.pk)
        services.comment_moderate(actor=moderator, comment_id=comment.pk, publish=True)
    return open_consultation


URL = reverse("consultations:invalidate")


def test_only_supervisors_may_invalidate_and_others_see_no_such_page(client, official, moderator, citizen, flood):
    for user in (official, moderator, citizen):
        client.force_login(user)
        assert client.get(URL).status_code == 404
        assert client.post(URL, {"ip_address": "203.0.113.9", "reason": "bots", "confirm": "1"}).status_code == 404
    assert not Comment.objects.exclude(invalidated_at=None).exists()


def test_supervisor_previews_then_invalidates_a_flood_and_every_count_follows(client, supervisor, citizen, flood,
                                                                             django_capture_on_commit_callbacks):
    client.force_login(supervisor)
    before = client.get(reverse("consultations:detail", args=[flood.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "5 comments" in before.content.decode()
    preview = client.post(URL, {"ip_address": "203.0.113.9", "preview": ""})
    assert "3 comments match (3 published) across 1 consultations." in preview.content.decode()
    assert not Comment.objects.exclude(invalidated_at=None).exists(), "a preview changes nothing"
    missing_reason = client.post(URL, {"ip_address": "203.0.113.9", "confirm": "1"})
    assert "Say why" in missing_reason.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(URL, {"ip_address": "203.0.113.9", "reason": "one address, a comment a minute",
                                 "confirm": "1"}, follow=True)
    text = done.content.decode()
    assert "3 comments were invalidated." in text and "one address, a comment a minute" in text
    record = CommentInvalidation.objects.get()
    assert (record.invalidated, record.performed_by, record.ip_address) == (3, supervisor, "203.0.113.9")
    assert Comment.objects.filter(invalidation=record).count() == 3
    # The campaign counts only its valid comment, and is read through it.
    campaign = CommentGroup.objects.get(consultation=flood, fingerprint=Comment.objects.first().fingerprint)
    assert campaign.size == 1
    assert campaign.representative.ip_address == "198.51.100.4"
    # The public page counts and lists two comments.
    page = client.get(reverse("consultations:detail", args=[flood.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2 comments" in page
    assert page.count("坚决反对提高停车收费标准") == 1
    # Invalidating the same again changes nothing more.
    client.post(URL, {"ip_address": "203.0.113.9", "reason": "again", "confirm": "1"})
    assert CommentInvalidation.objects.latest("pk").invalidated == 0
    campaign.refresh_from_db()
    assert campaign.size == 1


def test_an_invalidated_comment_is_neither_edited_nor_grouped_again(supervisor, flood):
    from consultations.selectors import CommentCriteria

    services.comments_invalidate(actor=supervisor, criteria=CommentCriteria(ip_address="192.0.2.1"),
                                 reason="flood")
    honest = Comment.objects.get(ip_address="192.0.2.1")
    with pytest.raises(TransitionNotAllowed):
        services.comment_edit(actor=honest.author, comment_id=honest.pk, body="改过")
    Comment.objects.filter(pk=honest.pk).update(group=None)
    assert services.comment_group(comment_id=honest.pk) is None
    assert services.comments_group_pending(consultation_id=flood.pk) == 0


def test_invalidation_by_time_range_within_one_consultation(client, supervisor, flood, official, head):
    other = services.consultation_publish(actor=head, consultation_id=services.consultation_create(
        actor=official, department=flood.department, title="另一个", text="第一条 另一个").pk)
    services.comment_submit(actor=UserFactory(), consultation_id=other.pk, body=CAMPAIGN, ip_address="203.0.113.9")
    client.force_login(supervisor)
    now = timezone.localtime()
    fmt = "%Y-%m-%dT%H:%M"
    client.post(URL, {"consultation": flood.pk, "submitted_from": (now - datetime.timedelta(minutes=45)).strftime(fmt),
                      "submitted_until": (now - datetime.timedelta(minutes=20)).strftime(fmt), "reason": "burst",
                      "confirm": "1"})
    assert sorted(Comment.objects.exclude(invalidated_at=None).values_list("ip_address", flat=True)) == [
        "198.51.100.4", "203.0.113.9", "203.0.113.9"]
    assert not Comment.objects.filter(consultation=other).exclude(invalidated_at=None).exists()


@pytest.mark.django_db
def test_a_commenter_sees_their_invalidated_comment_set_aside_and_cannot_change_it(client, open_consultation,
                                                                                   supervisor):
    from consultations.selectors import CommentCriteria
    from tests.conftest import client_for

    author = UserFactory()
    comment = services.comment_submit(actor=author, consultation_id=open_consultation.pk, body="刷量意见",
                                      ip_address="192.0.2.7")
    services.comments_invalidate(actor=supervisor, criteria=CommentCriteria(ip_address="192.0.2.7"), reason="flood")
    mine = client_for(client, author).get("/consultations/mine/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "刷量意见" in mine and "set aside by the supervisors" in mine
    assert f"/consultations/comments/{comment.pk}/edit/" not in mine
