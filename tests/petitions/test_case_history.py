"""What a case page tells of its history: each event once and named (the
rating, the closing, a supervision order), the clocks' stop reasons in the
reader's language, Chinese punctuation in Chinese, and Chinese terms on an
English page marked as Chinese."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from petitions.models import Case
from petitions.services import case_submit
from responses import services
from supervision.services import feedback_give, order_issue
from tests.factories import RoutingRuleFactory
from tests.portal.test_chinese_punctuation import half_width_beside_chinese

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(citizen, official, supervisor, department, category, region):
    """A case routed, signed for, given a supervision order, answered."""
    RoutingRuleFactory(category=category, lead_department=department)
    case, _ = case_submit(actor=citizen, kind="complaint", category=category, region=region, title="路灯不亮",
                          body="小区门口路灯坏了一周。", contact_email=citizen.email, address="东城区3号楼")
    services.case_route(case_id=case.id)
    services.case_sign_for(actor=official, case_id=case.id)
    services.material_request(actor=official, case_id=case.id, message="请提供具体位置")
    services.material_add(actor=citizen, case_id=case.id, answer="3号楼门口")
    order_issue(actor=supervisor, case_id=case.id, instructions="请三日内修复",
                due_at=timezone.now() + datetime.timedelta(days=3))
    services.note_add(actor=official, case_id=case.id, body="已联系路灯所")
    services.case_reply(actor=official, case_id=case.id, body="已修复路灯。")
    return Case.objects.get(pk=case.pk)


def page_text(client, user, case, language="zh-hans") -> tuple[str, str]:
    client.force_login(user)
    html = client.get(reverse("petitions:case_detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    main = html[html.index("<main"):html.index("</main>")]
    return html, unescape(re.sub(r"<[^>]+>", "", main))


def timeline(html: str) -> list[str]:
    start = html.index('id="timeline-heading"')
    section = html[start:html.index("</section>", start)]
    return [re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", item))).strip()
            for item in re.findall(r"<li>(.*?)</li>", section, re.S)]


def test_the_citizens_history_shows_the_order_their_rating_and_the_closing(client, answered, citizen):
    feedback_give(actor=citizen, case_id=answered.id, resolved=True, satisfaction="satisfied")
    html, _text = page_text(client, citizen, answered, "en")
    events = timeline(html)
    assert any("A supervisor ordered the department to act on the case" in event and "a supervisor" in event
               for event in events)
    assert "The citizen rated the answer; case closed — closed" in events[-1]


def test_the_staff_history_names_the_closing_once(client, answered, citizen, official):
    feedback_give(actor=citizen, case_id=answered.id, resolved=True, satisfaction="satisfied")
    html, _text = page_text(client, official, answered)
    events = timeline(html)
    assert not any("诉求已更新" in event for event in events), events
    assert sum("已办结" in event for event in events) == 1, events


def test_a_clocks_stop_reason_is_shown_in_the_readers_language(client, citizen, dispatcher, supervisor, category,
                                                               region):
    first, _ = case_submit(actor=citizen, kind="complaint", category=category, region=region, title="噪音",
                           body="夜间施工。", contact_email=citizen.email)
    second, _ = case_submit(actor=citizen, kind="complaint", category=category, region=region, title="噪音又来了",
                            body="夜间施工。", contact_email=citizen.email)
    for case in (first, second):
        services.case_route(case_id=case.id)
    services.case_merge(actor=dispatcher, case_id=second.id, into_case_id=first.id)
    _html, text = page_text(client, supervisor, Case.objects.get(pk=second.pk))
    assert "已并入先前的诉求" in text
    assert not re.search(r"\bmerged\b", text)


def test_a_case_page_in_chinese_has_no_half_width_punctuation_beside_chinese(client, answered, official,
                                                                             supervisor, citizen):
    for user in (official, supervisor, citizen):
        _html, text = page_text(client, user, answered)
        assert "地点：" in text or user != citizen
        assert half_width_beside_chinese(text) == [], user


def test_chinese_terms_on_an_english_page_are_marked_as_chinese(client, answered, official, supervisor):
    for user in (official, supervisor):
        html, _text = page_text(client, user, answered, "en")
        main = html[html.index("<main"):html.index("</main>")]
        # Outside elements marked lang="zh-Hans", Chinese appears only in what people wrote.
        unmarked = re.sub(r'<span lang="zh-Hans">[^<]*</span>', "", main)
        for term in ("督办", "退单", "协办", "催办"):
            assert term not in unmarked, (user, term)
        assert '<span lang="zh-Hans">督办</span>' in main
