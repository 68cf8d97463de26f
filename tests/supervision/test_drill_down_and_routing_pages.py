"""The pages say what they list: a drill-down names its figure, department
and period; the routing centre shows each case's dispatch deadline; the
inbox has the menu's name."""

import re

import pytest
from django.urls import reverse

from petitions.models import Case
from petitions.services import case_submit
from responses import services
from tests.supervision.test_metrics import data  # noqa: F401 - the hand-made data set

pytestmark = pytest.mark.django_db
PERIOD = {"start": "2026-03-01", "end": "2026-03-31"}


def test_a_drill_down_names_its_figure_department_and_period(client, supervisor, data):  # noqa: F811
    a, _b, _c = data
    client.force_login(supervisor)
    page = client.get(reverse("supervision:drill_down"), {**PERIOD, "key": a.pk, "metric": "signed_in_time"},
                      HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    scope = page[page.index('class="facts drill-scope"'):page.index("</dl>")]
    assert "按时签收的诉求" in scope
    assert str(a) in scope
    assert "2026-03-01 至 2026-03-31" in scope


def test_the_routing_centre_shows_the_dispatch_deadline(client, dispatcher, official, citizen, category, region):
    waiting, _ = case_submit(actor=citizen, kind="complaint", category=category, region=region, title="无人认领",
                             body="没有规则匹配。", contact_email=citizen.email)
    services.case_route(case_id=waiting.id)
    assert Case.objects.get(pk=waiting.pk).status == "routing_centre"
    client.force_login(dispatcher)
    page = client.get(reverse("responses:routing_centre"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<th scope="col">Dispatch deadline</th>' in page
    assert "<th scope=\"col\">Answered</th>" not in page
    cell = re.search(r'class="dispatch-deadline">(.*?)</td>', page, re.S).group(1)
    assert re.search(r'<time datetime="[^"]+">\d{4}-\d\d-\d\d \d\d:\d\d</time>', cell)


def test_the_inbox_page_has_the_menus_name(client, official):
    client.force_login(official)
    page = client.get(reverse("responses:inbox"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    nav = page[page.index("<nav"):page.index("</nav>")]
    assert ">工单收件箱</a>" in nav
    assert "<h1>工单收件箱</h1>" in page
