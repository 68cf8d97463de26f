"""A supervision order due at a time already past is a mistake in the form:
the case page comes back (200) with the error beside the field, and
nothing is issued."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from petitions.models import Case
from petitions.services import case_submit
from responses import services
from supervision.models import SupervisionOrder
from tests.factories import RoutingRuleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def worked(citizen, official, department, category, region):
    RoutingRuleFactory(category=category, lead_department=department)
    case, _ = case_submit(actor=citizen, kind="complaint", category=category, region=region, title="路灯不亮",
                          body="小区门口路灯坏了一周。", contact_email=citizen.email)
    services.case_route(case_id=case.id)
    services.case_sign_for(actor=official, case_id=case.id)
    return Case.objects.get(pk=case.pk)


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_an_order_due_in_the_past_is_a_form_error(client, worked, supervisor):
    client.force_login(supervisor)
    response = client.post(reverse("responses:case_action", args=[worked.pk, "issue_order"]), {
        "instructions": "请尽快处理", "due_at": local(timezone.now() - datetime.timedelta(days=1)),
        "version": worked.version}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_issue_order_due_at_error">The answer must be due in the future.' in page
    assert "请尽快处理" in page  # what was typed is kept
    assert not SupervisionOrder.objects.exists()

