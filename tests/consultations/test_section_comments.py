"""Each section's published comments on a page of their own, and the
consultation's page, in a fixed number of queries however many comments."""

import re

import pytest
from django.urls import reverse

from consultations import grouping
from consultations.models import Comment, ModerationState
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def add_comments(consultation, section, count, *, published=True, prefix="意见"):
    author = UserFactory()
    Comment.objects.bulk_create(
        Comment(consultation=consultation, section=section, author=author, body=f"{prefix}{n}",
                public_body=f"{prefix}{n}" if published else "", fingerprint=grouping.fingerprint(f"{prefix}{n}"),
                moderation=ModerationState.PUBLISHED if published else ModerationState.PENDING)
        for n in range(count))


def test_a_sections_page_lists_only_its_published_comments_in_bounded_queries(
        client, open_consultation, django_assert_max_num_queries):
    first, second = open_consultation.sections.order_by("number")[:2]
    add_comments(open_consultation, first, 60, prefix="第一条意见")
    add_comments(open_consultation, first, 3, published=False, prefix="待审")
    add_comments(open_consultation, second, 2, prefix="第二条意见")
    url = reverse("consultations:section", args=[open_consultation.pk, first.number])
    with django_assert_max_num_queries(8):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.count("第一条意见") == 25 and "第二条意见" not in page and "待审" not in page
    assert "Page 1 of 3" in page
    last = client.get(url, {"page": 3}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert last.count("第一条意见") == 10
    # The consultation's page links the section to its comments and counts them.
    detail = client.get(reverse("consultations:detail", args=[open_consultation.pk]),
                        HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'href="{url}"' in detail and "63 comments" in detail


def test_the_consultation_page_costs_the_same_with_ten_or_a_thousand_comments(
        client, open_consultation, django_assert_max_num_queries):
    section = open_consultation.sections.first()
    add_comments(open_consultation, section, 10)
    url = reverse("consultations:detail", args=[open_consultation.pk])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add_comments(open_consultation, None, 1000, prefix="整体意见")
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as many:
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert len(many) == len(few)
    assert re.search(r"Page 1, of more than 1,?000 comments", page)
    assert "1,010 comments" in page or "1010 comments" in page


def test_a_missing_section_a_draft_and_private_comments_are_404(client, open_consultation, official, citizen):
    from consultations import services
    from tests.consultations.conftest import TEXT

    draft = services.consultation_create(actor=official, department=open_consultation.department, title="草稿",
                                         text=TEXT)
    assert client.get(reverse("consultations:section", args=[open_consultation.pk, 99])).status_code == 404
    client.force_login(citizen)
    assert client.get(reverse("consultations:section", args=[draft.pk, 1])).status_code == 404
    client.force_login(official)
    assert client.get(reverse("consultations:section", args=[draft.pk, 1])).status_code == 200
    client.force_login(citizen)
    open_consultation.comments_public = False
    open_consultation.save(update_fields=["comments_public"])
    assert client.get(reverse("consultations:section", args=[open_consultation.pk, 1])).status_code == 404
