"""The verify command catches supervision records changed by raw SQL."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from responses import services
from supervision.models import ClockEvent, ClockKind, SupervisionClock
from tests.factories import DispatchedCaseFactory


@pytest.fixture
def clocks(official, department):
    from supervision.clocks import clock_start

    cases = []
    for _ in range(3):
        case = DispatchedCaseFactory(lead_department=department)
        clock_start(case=case, kind=ClockKind.SIGN_FOR, start=timezone.now(), department=department)
        services.case_sign_for(actor=official, case_id=case.id)
        cases.append(case)
    return list(SupervisionClock.objects.filter(kind=ClockKind.REPLY))


def verify():
    from supervision.audit import verify_clocks

    return [(finding.clock_id, finding.problem) for finding in verify_clocks()]


@pytest.mark.django_db
def test_untouched_records_verify(clocks, capsys):
    assert verify() == []
    call_command("verify_supervision")
    assert "intact" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_due_time_moved_by_raw_sql_is_named(clocks, capsys):
    target = clocks[1]
    later = target.due_at + datetime.timedelta(days=30)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE supervision_supervisionclock SET due_at = %s WHERE id = %s", [later, target.pk])
    assert verify() == [(target.pk, "record differs from its history: due_at")]
    with pytest.raises(SystemExit):
        call_command("verify_supervision")
    assert f"clock {target.pk} (case {target.case_id})" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_history_entry_edited_by_raw_sql_is_named(clocks):
    event = ClockEvent.objects.filter(clock=clocks[0]).first()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE supervision_clockevent SET reason = 'nothing to see' WHERE id = %s", [event.pk])
    assert verify() == [(clocks[0].pk, "history entry 1 was altered")]


@pytest.mark.django_db
def test_a_deleted_history_entry_is_named(official, clocks):
    services_clock = clocks[2]
    services.material_request(actor=official, case_id=services_clock.case_id, message="请补充")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM supervision_clockevent WHERE clock_id = %s AND sequence = 1", [services_clock.pk])
    assert verify() == [(services_clock.pk, "history entry 1 is missing")]


@pytest.mark.django_db
def test_changes_through_the_application_keep_verifying(official, clocks, supervisor):
    from supervision.services import extension_approve, extension_request

    clock = clocks[0]
    extension = extension_request(actor=official, clock_id=clock.pk, reason="需要现场勘查",
                                  new_due_at=clock.due_at + datetime.timedelta(days=5))
    extension_approve(actor=supervisor, extension_id=extension.pk)
    services.material_request(actor=official, case_id=clock.case_id, message="请补充")
    assert verify() == []
