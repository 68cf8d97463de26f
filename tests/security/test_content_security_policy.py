"""Every page carries a content security policy that allows only our own
scripts and styles, and no page needs more."""

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from tests.conftest import client_for


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def test_pages_carry_the_policy(client, db):
    policy = _policy(client.get(reverse("home")))
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"


def test_the_htmx_page_loads_its_script_from_a_file(client, citizen):
    response = client_for(client, citizen).get(reverse("petitions:case_submit"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Content-Security-Policy" in response
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []  # no inline script
    assert "js/case-submit.js" in html


def test_api_docs_need_no_inline_script(client, citizen):
    response = client_for(client, citizen).get("/api/docs/")
    assert response.status_code == 200
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", response.content.decode()) == []
    # Swagger UI styles itself inline: that page alone allows inline styles, never scripts.
    policy = _policy(response)
    assert policy["style-src"] == "'self' 'unsafe-inline'"
    assert policy["script-src"] == "'self'"


def test_no_template_has_inline_scripts_or_event_handlers():
    offenders = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+\s*=", text) \
                or re.search(r"\sstyle\s*=|<style", text):
            offenders.append(str(path.relative_to(settings.BASE_DIR)))
    assert offenders == []
