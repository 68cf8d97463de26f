"""The dashboard's tallies: kept by the services in the same transaction
as the records, equal to a recount, giving the same rates as counting the
records, and checked by verify_supervision."""

import datetime
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from petitions.services import case_submit
from responses import services
from supervision import tallies
from supervision.metrics import Scope, percentiles_of, rates_by, rates_from_records
from supervision.models import ClockKind, ClockState, ClockTally, HoursTally, SupervisionClock
from supervision.services import feedback_give
from tests.factories import CaseFactory, DepartmentFactory, RoutingRuleFactory


def midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def as_dicts(rows):
    return [vars(row) for row in rows]


@pytest.fixture
def lives(citizen, official, category, region, department):
    """Cases taken through the services: answered and rated, returned,
    withdrawn, and one still waiting to be signed for."""
    RoutingRuleFactory(category=category, lead_department=department)

    def submit(title):
        case, _ = case_submit(actor=citizen, kind="complaint", category=category, region=region, title=title,
                              body="楼下餐馆油烟很大。", contact_email=citizen.email)
        services.case_route(case_id=case.id)
        return case

    answered = submit("油烟扰民")
    services.case_sign_for(actor=official, case_id=answered.id)
    services.case_reply(actor=official, case_id=answered.id, body="已责令餐馆安装油烟净化器。")
    feedback_give(actor=citizen, case_id=answered.id, resolved=True, satisfaction="basically_satisfied")
    returned = submit("不属于本部门")
    services.case_return(actor=official, case_id=returned.id, reason="应由市场监管局办理。")
    withdrawn = submit("已自行解决")
    services.case_withdraw(actor=citizen, case_id=withdrawn.id)
    submit("还在等待")
    return department


@pytest.mark.django_db
def test_the_services_keep_the_tallies_equal_to_a_recount(lives, category):
    assert tallies.differences() == []
    assert not SupervisionClock.objects.exclude(category=category).exists()  # clocks carry the case's category
    assert ClockTally.objects.filter(facet="", kind=ClockKind.SIGN_FOR, returned=True).get().clocks == 1
    assert HoursTally.objects.filter(kind=ClockKind.REPLY).count() == 3  # by department, category, region


@pytest.mark.django_db
def test_tallied_rates_equal_rates_counted_from_the_records(lives, category, region):
    today = timezone.localdate()
    now = timezone.now()
    for scope in (
        Scope(midnight(today - datetime.timedelta(days=400)), midnight(today + datetime.timedelta(days=1))),
        Scope(midnight(today), midnight(today + datetime.timedelta(days=1)), department_id=lives.pk),
        Scope(midnight(today), midnight(today + datetime.timedelta(days=1)), category_id=category.pk),
        Scope(midnight(today), midnight(today + datetime.timedelta(days=1)), region_id=region.pk),
    ):
        for group in ("department", "category", "region"):
            assert as_dicts(rates_by(scope, group=group, now=now)) == as_dicts(
                rates_from_records(scope, group=group, now=now))
        assert as_dicts(rates_by(scope, now=now, by_month=True)) == as_dicts(
            rates_from_records(scope, now=now, by_month=True))
    row = rates_by(Scope(midnight(today), midnight(today + datetime.timedelta(days=1))), now=now)[0]
    assert (row.dispatched, row.signed_in_time, row.returned, row.replied_in_time, row.evaluated) == (3, 1, 1, 1, 1)


@pytest.mark.django_db
def test_percentiles_join_whole_months_from_tallies_with_the_days_around_them():
    """A period from mid-January to mid-March: February comes from the
    monthly tally, the ends from the clocks; the answer is the same."""
    department = DepartmentFactory()
    started = [datetime.datetime(2026, 1, 10, 9), datetime.datetime(2026, 1, 20, 9), datetime.datetime(2026, 2, 3, 9),
               datetime.datetime(2026, 2, 25, 9), datetime.datetime(2026, 3, 5, 9), datetime.datetime(2026, 3, 20, 9)]
    for number, moment in enumerate(started, start=1):
        start = timezone.make_aware(moment)
        case = CaseFactory(lead_department=department)
        SupervisionClock.objects.create(
            case=case, category=case.category, region=case.region, kind=ClockKind.SIGN_FOR, department=department,
            state=ClockState.MET, started_at=start, warn_at=start, due_at=start, original_due_at=start,
            stopped_at=start + datetime.timedelta(hours=number), working_hours=number * 1.26)
    tallies.rebuild()
    scope = Scope(midnight(datetime.date(2026, 1, 15)), midnight(datetime.date(2026, 3, 15)))
    now = timezone.now()
    tallied = rates_by(scope, now=now)[0].sign_for_hours
    assert tallied == rates_from_records(scope, now=now)[0].sign_for_hours
    for group in ("category", "region"):
        assert as_dicts(rates_by(scope, group=group, now=now)) == as_dicts(
            rates_from_records(scope, group=group, now=now))
    # 2.5, 3.8, 5.0 and 6.3 working hours (rounded to tenths) fall inside.
    assert tallied == {"median": pytest.approx(4.4), "p90": pytest.approx(5.91)}


def test_percentiles_interpolate_like_percentile_cont():
    assert percentiles_of(Counter({10: 1, 20: 1, 30: 1, 200: 1})) == {
        "median": pytest.approx(2.5), "p90": pytest.approx(14.9)}
    assert percentiles_of(Counter({35: 3})) == {"median": 3.5, "p90": 3.5}


@pytest.mark.django_db
def test_a_tally_changed_outside_the_application_is_named(lives, capsys):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE supervision_clocktally SET clocks = clocks + 5 WHERE kind = 'reply' AND facet = ''")
    found = tallies.differences()
    assert len(found) == 1 and "5 in the records" not in found[0] and "6 tallied" in found[0]
    with pytest.raises(SystemExit):
        call_command("verify_supervision")
    assert "do not match the records" in capsys.readouterr().err
    call_command("rebuild_tallies")
    assert tallies.differences() == []
