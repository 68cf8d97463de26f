"""The supervisors' list of every case with the time of each step."""

import pytest
from django.urls import reverse
from django.utils.timezone import localtime

from responses.services import case_reply, case_sign_for
from tests.factories import DispatchedCaseFactory


@pytest.mark.django_db
def test_supervisor_sees_every_department_and_each_step_time(client, supervisor, official, department):
    mine = DispatchedCaseFactory(lead_department=department)
    elsewhere = DispatchedCaseFactory()
    case_sign_for(actor=official, case_id=mine.id)
    case_reply(actor=official, case_id=mine.id, body="已处理")
    mine.refresh_from_db()
    client.force_login(supervisor)
    page = client.get(reverse("supervision:overview"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert mine.tracking_number in page and elsewhere.tracking_number in page
    assert str(department.name_en) in page
    for moment in (mine.submitted_at, mine.dispatched_at, mine.signed_for_at, mine.replied_at):
        assert localtime(moment).strftime("%Y-%m-%d %H:%M") in page
