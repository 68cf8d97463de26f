"""The action panels of a case page: each group of choices is one fieldset
named by its legend with each label beside its input, and the panels'
fields keep ids of their own, so a label never points at another form."""

import re
from collections import Counter

import pytest
from django.urls import reverse

from petitions.models import Case
from petitions.services import case_submit
from responses import services
from tests.factories import RoutingRuleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(citizen, category, region):
    def submit(rule_for=None):
        if rule_for is not None:
            RoutingRuleFactory(category=category, lead_department=rule_for)
        case, _ = case_submit(actor=citizen, kind="complaint", category=category, region=region, title="路灯不亮",
                              body="小区门口路灯坏了一周。", contact_email=citizen.email)
        services.case_route(case_id=case.id)
        return Case.objects.get(pk=case.pk)

    return submit


def case_page(client, user, case) -> str:
    client.force_login(user)
    response = client.get(reverse("petitions:case_detail", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_rating_forms_radio_buttons_are_grouped_with_a_legend_and_labelled_beside(
        client, submitted, citizen, official, department):
    case = submitted(rule_for=department)
    services.case_sign_for(actor=official, case_id=case.id)
    services.case_reply(actor=official, case_id=case.id, body="已修复路灯。")
    html = case_page(client, citizen, case)

    fieldsets = re.findall(r'<fieldset class="choices"[^>]*>\s*<legend>(.*?)</legend>(.*?)</fieldset>', html, re.S)
    legends = [legend for legend, _ in fieldsets]
    assert "您反映的问题是否已解决？" in legends
    assert "您对本次答复是否满意？" in legends
    for _, body in fieldsets:
        # Each radio is directly followed by its own label, not wrapped in a full-width block.
        radios = re.findall(r'<input type="radio"[^>]*id="([^"]+)"[^>]*>\s*<label for="([^"]+)">', body)
        assert radios and all(input_id == label_for for input_id, label_for in radios)
        assert len(radios) == body.count('type="radio"')


def test_every_field_id_on_a_case_page_is_unique(client, submitted, dispatcher, official, department):
    case = submitted()  # no rule: the routing centre offers dispatch, reject and merge, each with a note
    html = case_page(client, dispatcher, case)
    for action in ("dispatch", "reject", "merge"):
        assert f'action="{reverse("responses:case_action", args=[case.pk, action])}"' in html
    ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    assert [name for name, count in ids.items() if count > 1] == []
    for label_for in re.findall(r'<label for="([^"]+)"', html):
        assert ids[label_for] == 1, label_for


def test_a_case_worked_by_a_department_repeats_no_id_either(client, submitted, official, department):
    case = submitted(rule_for=department)
    services.case_sign_for(actor=official, case_id=case.id)  # return and extension both ask a reason
    html = case_page(client, official, case)
    ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    assert [name for name, count in ids.items() if count > 1] == []


def test_an_action_still_reads_its_fields(client, submitted, dispatcher, department):
    case = submitted()
    client.force_login(dispatcher)
    response = client.post(reverse("responses:case_action", args=[case.pk, "dispatch"]),
                           {"department": department.pk, "note": "按属地派单", "version": case.version})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).lead_department == department
