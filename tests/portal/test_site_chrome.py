"""base.html's header and footer, kept per language for visitors not logged
in (portal/templatetags/site_chrome.py): the same page as a fresh rendering,
with each answer's own form token and address."""

import re
from unittest import mock

import pytest
from django.template import Template, TemplateSyntaxError
from django.test import Client
from django.urls import reverse

from portal.templatetags.site_chrome import AnonymousFragmentNode

pytestmark = pytest.mark.django_db

FORM_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


def page(client, url, **extra) -> str:
    response = client.get(url, **extra)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_kept_header_is_the_page_a_fresh_rendering_gives(client, language):
    url = reverse("signatures:list") + '?page=1&q="<x>"'
    kept = [page(client, url, HTTP_ACCEPT_LANGUAGE=language) for _ in range(2)][1]
    with mock.patch.object(AnonymousFragmentNode, "keepable_token", return_value=None):
        fresh = page(client, url, HTTP_ACCEPT_LANGUAGE=language)
    assert FORM_TOKEN.sub("", kept) == FORM_TOKEN.sub("", fresh)
    assert f'<html lang="{language}">' in kept
    assert ("查询诉求" if language == "zh-hans" else "Track a case") in kept
    # The address is the request's own, escaped.
    assert 'name="next" type="hidden" value="/petitions/?page=1&amp;q=%22%3Cx%3E%22"' in kept


def test_the_next_anonymous_page_reverses_no_url_of_the_header(client):
    from django import urls

    page(client, reverse("petitions:case_lookup"))  # kept now
    with mock.patch("django.urls.reverse", side_effect=urls.reverse) as reverse_calls:
        page(client, reverse("petitions:case_lookup"))
        kept = reverse_calls.call_count
        reverse_calls.reset_mock()
        with mock.patch.object(AnonymousFragmentNode, "keepable_token", return_value=None):
            page(client, reverse("petitions:case_lookup"))
        fresh = reverse_calls.call_count
    # Home, five links, log in, register, the language form.
    assert fresh - kept == 9, (fresh, kept)


def test_each_answer_carries_its_own_working_form_token(db):
    browser = Client(enforce_csrf_checks=True)
    tokens = [FORM_TOKEN.search(page(browser, "/")).group(1) for _ in range(2)]
    assert tokens[0] != tokens[1] and "\x00" not in tokens[0]
    response = browser.post(reverse("set_language"), {"language": "en", "next": "/", "csrfmiddlewaretoken": tokens[1]})
    assert response.status_code == 302


def test_a_logged_in_user_gets_a_header_of_their_own(client, citizen):
    anonymous = page(client, "/")
    client.force_login(citizen)
    theirs = page(client, "/")
    assert reverse("petitions:my_cases") in theirs and reverse("accounts:logout") in theirs
    assert reverse("petitions:my_cases") not in anonymous and reverse("accounts:login") in anonymous
    client.logout()
    assert reverse("petitions:my_cases") not in page(client, "/")


def test_a_block_cannot_hide_inside_the_kept_fragment():
    with pytest.raises(TemplateSyntaxError):
        Template("{% load site_chrome %}{% anonymous_fragment %}{% block title %}{% endblock %}"
                 "{% endanonymous_fragment %}")
