"""Every page of every role (tests/e2e/pages.py), in a real browser: fits a
375 px wide phone without sideways scrolling, and axe-core finds no serious
or critical WCAG 2.1 AA violation (nor such an item left for review), in
English and in Chinese, where no half-width punctuation stands beside
Chinese text."""

import pytest

from tests.e2e.pages import ROLES, open_as, pages_for
from tests.portal.test_chinese_punctuation import half_width_beside_chinese
from tests.security.access_world import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The elements that reach furthest right, to say what overflows.
WIDEST = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > 375)
  .sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right).slice(0, 3)
  .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
       + (e.className ? '.' + String(e.className).trim().replace(/ +/g, '.') : '')
       + ' ' + Math.round(e.getBoundingClientRect().right) + 'px').join(', ')"""
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


# Items axe leaves for review that a person has reviewed and found sound: the
# colours of the dashboard chart's SVG text (drawn over the chart, checked in
# supervision/charts.py's palette), and the last columns of the dashboard's
# wide ranking table while scrolled out of its scrolling box (ink on white,
# as every other cell) cannot be read by axe.
# The map's zoom buttons show a symbol (+, −) that axe cannot measure as
# text; their colours are set in places.css (ink on white).
REVIEWED = ("element contains an image node", "partially obscured by another element",
            "Element content contains only non-text characters")


def axe_problems(page) -> list[str]:
    """Serious or critical WCAG 2.1 AA violations, and the serious or
    critical items axe could not decide ("needs review"): those must not
    pass unseen either."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA},
                                       "resultTypes": ["violations", "incomplete"]}).response
    problems = []
    for kind in ("violations", "incomplete"):
        for item in results[kind]:
            if item["impact"] not in ("serious", "critical"):
                continue
            for node in item["nodes"]:
                messages = " ".join(check.get("message", "") for check in node.get("any", []) + node.get("all", [])
                                    + node.get("none", []))
                if kind == "incomplete" and any(reason in messages for reason in REVIEWED):
                    continue
                problems.append(f"{page.url}: {kind} {item['id']} ({item['impact']}): {node['target']} {messages}")
    return problems


@pytest.fixture
def world(db):
    from django.db import transaction

    from notifications.models import Event, Notification

    with transaction.atomic():
        w = build_world()
        # Everyone has a notification waiting, so every role's list shows one.
        for role in ROLES:
            if role not in ("anonymous", "owner"):
                Notification.objects.create(recipient=w.user(role), case=w.case, event=Event.REPLIED,
                                            key=f"replied:{w.case.pk}:{role}")
        return w


@pytest.mark.parametrize("role", ROLES)
def test_no_page_scrolls_sideways_on_a_phone(live_server, browser, world, role):
    context = open_as(browser, live_server, world, role, width=375)
    page = context.new_page()
    too_wide = []
    for listed in pages_for(role):
        response = page.goto(live_server.url + listed.path(world))
        assert response.status == 200, (listed.name, response.status)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 375:
            too_wide.append(f"{listed.name} ({page.url}): {width} px, widest: {page.evaluate(WIDEST)}")
    context.close()
    assert not too_wide, "\n".join(too_wide)


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
@pytest.mark.parametrize("role", ROLES)
def test_no_page_has_a_serious_accessibility_violation(live_server, browser, world, role, locale):
    context = open_as(browser, live_server, world, role, locale=locale)
    page = context.new_page()
    problems = []
    for listed in pages_for(role):
        response = page.goto(live_server.url + listed.path(world))
        assert response.status == 200, (listed.name, response.status)
        problems += axe_problems(page)
        if locale.startswith("zh"):
            problems += [f"{page.url}: half-width punctuation beside Chinese: {found}"
                         for found in half_width_beside_chinese(page.inner_text("main"))]
    context.close()
    assert not problems, "\n".join(problems)
