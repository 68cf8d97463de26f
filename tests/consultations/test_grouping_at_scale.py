"""Campaign grouping at scale: near-duplicates found through the banded
SimHash index rather than by comparing with every group, and a backlog
grouped in batches with the same result as one comment at a time."""

import random

import pytest

from consultations import grouping, services, tasks
from consultations.models import Comment, CommentGroup
from tests.factories import UserFactory

CAMPAIGN = "坚决反对提高停车收费标准，这将加重市民负担，请重新考虑本条规定！"
ENGLISH = "I strongly oppose raising parking fees in the city centre: it burdens residents and small shops."


def flip(value: int, bits: list[int]) -> int:
    unsigned = value & (1 << 64) - 1
    for bit in bits:
        unsigned ^= 1 << bit
    return unsigned - (1 << 64) if unsigned >= 1 << 63 else unsigned


def test_two_hashes_within_the_near_distance_always_share_a_band():
    rng = random.Random(22)
    for _ in range(2000):
        value = rng.getrandbits(64) - (1 << 63)
        other = flip(value, rng.sample(range(64), rng.randint(0, grouping.NEAR_DISTANCE)))
        assert grouping.distance(value, other) <= grouping.NEAR_DISTANCE
        assert any(a == b for a, b in zip(grouping.bands(value), grouping.bands(other), strict=True))
    # Every bit is in exactly one band.
    assert grouping.BAND_STARTS[0] == 0 and grouping.BAND_STARTS[-1] == 64
    assert len(grouping.bands(-1)) == grouping.BANDS == len(CommentGroup.BAND_FIELDS)


@pytest.mark.django_db
def test_a_near_duplicate_is_found_among_thousands_of_groups_comparing_only_a_few(
        open_consultation, citizen, other_citizen, monkeypatch):
    rng = random.Random(7)
    noise = []
    for n in range(3000):
        value = rng.getrandbits(64) - (1 << 63)
        noise.append(CommentGroup(consultation=open_consultation, fingerprint=f"noise{n}", simhash=value, size=1,
                                  **dict(zip(CommentGroup.BAND_FIELDS, grouping.bands(value), strict=True))))
    CommentGroup.objects.bulk_create(noise)
    first = services.comment_submit(actor=citizen, consultation_id=open_consultation.pk, body=CAMPAIGN)
    campaign = services.comment_group(comment_id=first.pk)
    near_text = CAMPAIGN.replace("请重新考虑本条规定", "请重新考虑这条规定")
    assert grouping.fingerprint(near_text) != campaign.fingerprint
    compared = []
    real_distance = grouping.distance
    monkeypatch.setattr(grouping, "distance", lambda a, b: compared.append(b) or real_distance(a, b))
    second = services.comment_submit(actor=other_citizen, consultation_id=open_consultation.pk, body=near_text)
    assert services.comment_group(comment_id=second.pk) == campaign
    campaign.refresh_from_db()
    assert campaign.size == 2
    # The near text was compared with the few groups sharing a band, not with all 3,001.
    assert campaign.simhash in compared and len(compared) < 200


def comments_for(consultation, count: int, seed: int) -> list[Comment]:
    """Campaigns of identical and near-identical text in Chinese and
    English, and distinct comments, in a shuffled order."""
    rng = random.Random(seed)
    authors = [UserFactory() for _ in range(5)]
    bodies = []
    for n in range(count):
        roll = rng.random()
        if roll < 0.4:
            bodies.append(CAMPAIGN if rng.random() < 0.7 else CAMPAIGN.replace("本条", "这条"))
        elif roll < 0.6:
            bodies.append(ENGLISH if rng.random() < 0.7 else ENGLISH.replace("small shops", "small businesses"))
        else:
            bodies.append(f"第{n}号意见：建议在{rng.choice(['医院', '学校', '菜场', '地铁站'])}周边"
                          f"{rng.choice(['增加', '减少', '调整'])}{n * 7919 % 1000}个停车位，并公布收费依据。")
    return Comment.objects.bulk_create(
        Comment(consultation=consultation, author=authors[n % 5], body=body, fingerprint=grouping.fingerprint(body))
        for n, body in enumerate(bodies))


def partition(consultation) -> list[tuple[int, ...]]:
    """The groups as sets of comment positions, comparable across consultations."""
    comments = list(Comment.objects.filter(consultation=consultation).order_by("pk").values_list("pk", "group_id"))
    first_pk = comments[0][0]
    groups: dict[int, list[int]] = {}
    for pk, group_id in comments:
        groups.setdefault(group_id, []).append(pk - first_pk)
    return sorted(tuple(members) for members in groups.values())


@pytest.mark.django_db
def test_a_backlog_grouped_in_batches_makes_the_same_campaigns_as_one_comment_at_a_time(
        open_consultation, official, head, monkeypatch):
    from consultations.models import Consultation

    other = services.consultation_publish(actor=head, consultation_id=services.consultation_create(
        actor=official, department=open_consultation.department, title="副本", text="第一条 副本").pk)
    for comment in comments_for(open_consultation, 300, seed=3):
        services.comment_group(comment_id=comment.pk)
    comments_for(other, 300, seed=3)
    monkeypatch.setattr(tasks, "BACKLOG_BATCH", 64)
    assert tasks.group_pending(other.pk) == 300
    assert not Comment.objects.filter(consultation=other, group=None).exists()
    assert partition(other) == partition(open_consultation)
    sizes = sorted(CommentGroup.objects.filter(consultation=other).values_list("size", flat=True), reverse=True)
    assert sizes == sorted(CommentGroup.objects.filter(consultation=open_consultation)
                           .values_list("size", flat=True), reverse=True)
    # The campaigns are a few big groups, each distinct comment its own.
    assert sizes[0] > 50 and len(sizes) < 200
    # Every group's size is its comments, and running the task again changes nothing.
    assert tasks.group_pending(other.pk) == 0
    for group in CommentGroup.objects.filter(consultation=other):
        assert group.size == group.comments.count() and group.representative.group_id == group.pk
    assert Consultation.objects.filter(pk=other.pk).exists()


@pytest.mark.django_db
def test_comments_whose_grouping_message_was_lost_are_grouped_by_the_sweep_once(open_consultation, monkeypatch):
    import datetime

    from django.utils import timezone

    monkeypatch.setattr(tasks.group_comment, "delay", lambda *args, **kwargs: None)  # the message is lost
    lost = [services.comment_submit(actor=UserFactory(), consultation_id=open_consultation.pk, body=CAMPAIGN)
            for _ in range(2)]
    Comment.objects.filter(pk__in=[c.pk for c in lost]).update(
        submitted_at=timezone.now() - datetime.timedelta(minutes=10))
    fresh = services.comment_submit(actor=UserFactory(), consultation_id=open_consultation.pk, body=ENGLISH)
    assert tasks.sweep_ungrouped_comments() == 1
    assert tasks.sweep_ungrouped_comments() == 0
    # The fresh comment was grouped with its consultation's backlog; its own message, when it comes, does nothing.
    tasks.group_comment(fresh.pk)
    assert CommentGroup.objects.get(pk=Comment.objects.get(pk=fresh.pk).group_id).size == 1
    grouped = Comment.objects.filter(pk__in=[c.pk for c in lost])
    assert grouped.exclude(group=None).count() == 2 and len({c.group_id for c in grouped}) == 1
    assert CommentGroup.objects.get(pk=grouped[0].group_id).size == 2
