"""The fragment every viewer polls: served from the cache without a single
query, replaced for every viewer as soon as the host posts, and counting
its viewers approximately."""

import time

import pytest
from django.urls import reverse

from interviews import live, services
from tests.interviews.conftest import ask

pytestmark = pytest.mark.django_db


def poll(client, interview):
    response = client.get(reverse("interviews:live", args=[interview.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_cached_fragment_is_served_without_a_query(client, live_interview, host, django_assert_num_queries):
    services.answer_post(actor=host, interview_id=live_interview.pk, body="欢迎各位网友。")
    poll(client, live_interview)  # renders and keeps it
    with django_assert_num_queries(0):
        assert "欢迎各位网友。" in poll(client, live_interview)


def test_a_new_answer_reaches_the_next_poll(client, live_interview, host, moderator, citizen,
                                            django_capture_on_commit_callbacks):
    question = ask(live_interview, citizen, publish_by=moderator)
    assert "将延长至二十三点。" not in poll(client, live_interview)
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_post(actor=host, interview_id=live_interview.pk, question_id=question.pk,
                             body="将延长至二十三点。", speaker="陈明")
    fragment = poll(client, live_interview)
    assert "将延长至二十三点。" in fragment and question.body in fragment and "陈明" in fragment


def test_the_fragment_polls_until_the_interview_closes(client, live_interview, host,
                                                       django_capture_on_commit_callbacks):
    assert 'hx-trigger="every 5s"' in poll(client, live_interview)
    with django_capture_on_commit_callbacks(execute=True):
        services.interview_close(actor=host, interview_id=live_interview.pk)
    closed = poll(client, live_interview)
    assert "hx-trigger" not in closed
    assert reverse("interviews:detail", args=[live_interview.pk]) in closed  # to the transcript


def test_each_language_has_its_own_rendering(client, live_interview):
    assert "Live now" in client.get(reverse("interviews:live", args=[live_interview.pk]),
                                    HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "正在直播" in client.get(reverse("interviews:live", args=[live_interview.pk]),
                                  HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


def test_a_missing_interview_is_a_404_and_is_not_kept(client, django_assert_max_num_queries):
    for _attempt in range(2):
        with django_assert_max_num_queries(1):
            assert client.get(reverse("interviews:live", args=[987654])).status_code == 404


def test_viewers_are_counted_from_the_last_window(live_interview, monkeypatch, settings):
    settings.INTERVIEW_POLL_SECONDS = 5
    now = [1_000_000 * live.WINDOW_SECONDS]
    monkeypatch.setattr(time, "time", lambda: now[0])
    for _poll in range(60):  # ten viewers, six polls each in one window
        live.count_poll_and_read(live_interview.pk)
    now[0] += live.WINDOW_SECONDS
    _generation, viewers = live.count_poll_and_read(live_interview.pk)
    assert viewers == 10


def test_the_live_page_works_without_javascript(client, live_interview, host):
    services.answer_post(actor=host, interview_id=live_interview.pk, body="服务器端渲染的答复。")
    page = client.get(reverse("interviews:detail", args=[live_interview.pk])).content.decode()
    assert "服务器端渲染的答复。" in page
    assert "<noscript>" in page
