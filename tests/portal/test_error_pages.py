"""With DEBUG off (as `make run` runs) every error is the portal's own page,
styled and in the visitor's language: 403, a refused CSRF check, 404, 429
and 500."""

import pytest
from django.conf import settings
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.portal.error_urls")]

# status, path, the title in Chinese and in English
PAGES = [
    (403, "/test-errors/forbidden/", "无权访问", "Not allowed"),
    (404, "/test-errors/missing/", "页面不存在", "Not found"),
    (404, "/no-such-page/", "页面不存在", "Not found"),
    (429, "/test-errors/limited/", "请求过于频繁", "Too many requests"),
    (500, "/test-errors/broken/", "服务器错误", "Server error"),
]


def get(path, language, **kwargs):
    client = Client(raise_request_exception=False, **kwargs)
    return client.get(path, HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.parametrize(("status", "path", "chinese", "english"), PAGES)
def test_each_error_is_the_portals_own_page_in_chinese(status, path, chinese, english):
    assert settings.DEBUG is False
    response = get(path, "zh-hans")
    page = response.content.decode()
    assert response.status_code == status
    assert '<html lang="zh-hans">' in page
    assert f"<h1>{chinese}</h1>" in page
    assert '<link rel="stylesheet" href="/static/css/site.css">' in page
    assert "Traceback" not in page and "DEBUG" not in page


@pytest.mark.parametrize(("status", "path", "chinese", "english"), PAGES)
def test_each_error_is_the_portals_own_page_in_english(status, path, chinese, english):
    response = get(path, "en")
    page = response.content.decode()
    assert response.status_code == status
    assert '<html lang="en">' in page
    assert f"<h1>{english}</h1>" in page
    assert '<link rel="stylesheet" href="/static/css/site.css">' in page


@pytest.mark.parametrize(("language", "title"), [("zh-hans", "表单已失效"), ("en", "The form has expired")])
def test_a_refused_csrf_check_is_the_portals_own_page(language, title):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/test-errors/form/", HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    assert response.status_code == 403
    assert f'<html lang="{language}">' in page
    assert f"<h1>{title}</h1>" in page


def test_the_500_page_renders_with_no_context_at_all():
    from django.template.loader import get_template
    from django.utils import translation

    with translation.override("en"):
        page = get_template("500.html").render()
    assert "<h1>Server error</h1>" in page and 'href="/"' in page


def test_the_sites_css_is_served_with_debug_off_and_allowed_by_the_csp(client):
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "style-src 'self'" in policy and "script-src 'self'" in policy
