"""A citizen submits a case and rates its answer with the keyboard alone,
and every element the Tab key reaches shows where focus is: an indicator
of at least 3:1 against the background it sits on."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.pages import signed_in_context
from tests.factories import RoutingRuleFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# What the focused element shows, and the first solid background behind it.
FOCUS = """() => {
  const e = document.activeElement, s = getComputedStyle(e);
  let bg = 'rgb(255, 255, 255)';
  for (let a = e.parentElement; a; a = a.parentElement) {
    const c = getComputedStyle(a).backgroundColor;
    if (c && c !== 'transparent' && !c.startsWith('rgba(0, 0, 0, 0')) { bg = c; break; }
  }
  return {tag: e.tagName, id: e.id, name: e.getAttribute('name'), type: e.getAttribute('type'),
          text: (e.innerText || e.value || '').slice(0, 40), outlineStyle: s.outlineStyle,
          outlineWidth: parseFloat(s.outlineWidth), outlineColor: s.outlineColor, boxShadow: s.boxShadow, bg: bg};
}"""


def rgb(text: str) -> tuple[int, int, int]:
    return tuple(int(value) for value in re.findall(r"\d+", text)[:3])


def luminance(colour) -> float:
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
    red, green, blue = (channel(value) for value in colour)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first, second) -> float:
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def assert_focus_visible(focus: dict) -> None:
    assert focus["outlineStyle"] != "none" and focus["outlineWidth"] >= 2, focus
    background = rgb(focus["bg"])
    rings = [rgb(focus["outlineColor"])]
    if focus["boxShadow"] and focus["boxShadow"] != "none":
        rings.append(rgb(focus["boxShadow"]))
    assert max(contrast(ring, background) for ring in rings) >= 3, focus


def tab_to(page, matches, *, limit=80) -> dict:
    """Press Tab until the focused element matches, checking on the way
    that each element reached shows its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        if focus["tag"] != "BODY":
            assert_focus_visible(focus)
        if matches(focus):
            return focus
    raise AssertionError("Tab never reached the element")


def by_id(element_id):
    return lambda focus: focus["id"] == element_id


def test_a_citizen_submits_and_rates_with_the_keyboard_alone(live_server, browser, citizen, official, department,
                                                             category, region):
    from petitions.models import Case
    from responses import services

    RoutingRuleFactory(category=category, lead_department=department)
    context = signed_in_context(browser, live_server, citizen)
    page = context.new_page()
    page.goto(f"{live_server.url}/cases/new/")

    tab_to(page, by_id("id_kind"))
    page.keyboard.type("Complaint")
    tab_to(page, by_id("id_category"))
    page.keyboard.type("Noise")
    tab_to(page, by_id("id_region"))
    page.keyboard.type("Dongcheng")
    tab_to(page, by_id("id_title"))
    page.keyboard.type("Construction noise at night")
    tab_to(page, by_id("id_body"))
    page.keyboard.type("The building site on Donghuamen Street works until 2 a.m. every night.")
    tab_to(page, lambda focus: focus["tag"] == "BUTTON" and focus["text"] == "Submit")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("tracking number")
    case = Case.objects.get(title="Construction noise at night")
    assert (case.kind, case.category, case.region) == ("complaint", category, region)

    services.case_sign_for(actor=official, case_id=case.pk)
    services.case_reply(actor=official, case_id=case.pk, body="The site may work until 10 p.m. only; we told them.")
    page.reload()
    # Radio buttons: Tab enters each group, the arrow keys choose within it.
    tab_to(page, lambda focus: focus["name"] == "resolved")
    page.keyboard.press("Space")
    tab_to(page, lambda focus: focus["name"] == "satisfaction")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    tab_to(page, lambda focus: focus["name"] == "comment")
    page.keyboard.type("Quiet since Monday.")
    tab_to(page, lambda focus: focus["tag"] == "BUTTON" and focus["text"] == "Send my rating")
    page.keyboard.press("Enter")
    expect(page.locator("#case-status")).to_have_text("closed")
    feedback = case.feedback.get()
    assert (feedback.resolved, feedback.comment) == (True, "Quiet since Monday.")
    assert feedback.satisfaction == "basically_satisfied"  # the arrow key moved on from the first
    context.close()


def test_focus_shows_on_the_header_and_on_the_panels(live_server, browser, official, citizen, department, category,
                                                     region):
    """The red header and the grey panels are backgrounds too."""
    context = signed_in_context(browser, live_server, citizen)
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    tab_to(page, lambda focus: focus["text"] == "Submit a case")
    tab_to(page, lambda focus: focus["tag"] == "BUTTON" and focus["text"] == "Log out")
    context.close()
