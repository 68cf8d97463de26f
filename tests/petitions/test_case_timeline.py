"""The case page's timeline: every change, in order, with who made it."""

import pytest
from django.urls import reverse

from petitions.services import case_submit
from responses.services import case_reply, case_route, case_sign_for
from tests.factories import CaseFactory, RegionFactory, RoutingRuleFactory


@pytest.mark.django_db
def test_citizen_reads_the_reply_and_the_timeline(client, citizen, official, department, category):
    RoutingRuleFactory(category=category, lead_department=department)
    case, _ = case_submit(actor=citizen, kind="complaint", category=category, region=RegionFactory(),
                          title="夜间施工噪音", body="工地夜间施工噪音很大。", contact_email=citizen.email)
    case_route(case_id=case.id)
    case_sign_for(actor=official, case_id=case.id)
    case_reply(actor=official, case_id=case.id, body="已责令停止夜间施工。")
    client.force_login(citizen)
    page = client.get(reverse("petitions:case_detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "已责令停止夜间施工。" in page
    labels = ["Case submitted", "Routed to a department", "Signed for by the department", "Reply published"]
    positions = [page.index(label) for label in labels]
    assert positions == sorted(positions)
    # The citizen sees the department that acted, not the official's name.
    assert official.full_name not in page
    assert department.name_en in page


@pytest.mark.django_db
def test_staff_see_which_official_acted(client, supervisor, official, department):
    case = CaseFactory(status="dispatched", lead_department=department)
    case_sign_for(actor=official, case_id=case.id)
    client.force_login(supervisor)
    page = client.get(reverse("petitions:case_detail", args=[case.pk])).content.decode()
    assert official.full_name in page
