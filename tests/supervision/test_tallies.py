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
    # By department, category and region; by month and by year.
    assert HoursTally.objects.filter(kind=ClockKind.REPLY).count() == 6


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
    # The case still waiting to be signed for, not yet due, is in no rate.
    assert (row.sign_for_due, row.response_rate, row.return_rate) == (2, 50.0, 50.0)


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
    # A month's tally less the days outside the period, or the days inside
    # it added: every way of cutting the months gives the records' answer.
    for first, end in ((datetime.date(2026, 1, 5), datetime.date(2026, 1, 25)),
                       (datetime.date(2026, 1, 21), datetime.date(2026, 2, 26)),
                       (datetime.date(2026, 1, 1), datetime.date(2026, 3, 21)),
                       (datetime.date(2026, 2, 3), datetime.date(2026, 3, 1)),
                       (datetime.date(2025, 6, 15), datetime.date(2026, 3, 10)),
                       # Most of a year: the year's tally less January's (and
                       # the months still to come, which hold nothing).
                       (datetime.date(2026, 2, 1), datetime.date(2026, 12, 1)),
                       (datetime.date(2025, 12, 20), timezone.localdate() + datetime.timedelta(days=1))):
        scope = Scope(midnight(first), midnight(end))
        for group in ("department", "category", "region"):
            assert as_dicts(rates_by(scope, group=group, now=now)) == as_dicts(
                rates_from_records(scope, group=group, now=now)), (first, end, group)


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


def assert_tallies_match_the_records(now):
    """No tally row differs from a recount, none is left empty, and every
    grouping gives the records' numbers at `now`."""
    assert tallies.differences() == []
    assert not ClockTally.objects.filter(clocks=0).exists()
    today = timezone.localdate()
    scope = Scope(midnight(today - datetime.timedelta(days=30)), midnight(today + datetime.timedelta(days=1)))
    for group in ("department", "category", "region"):
        assert as_dicts(rates_by(scope, group=group, now=now)) == as_dicts(
            rates_from_records(scope, group=group, now=now))
    assert as_dicts(rates_by(scope, now=now, by_month=True)) == as_dicts(
        rates_from_records(scope, now=now, by_month=True))
    return rates_by(scope, now=now)[0]


@pytest.mark.django_db
def test_a_clock_moves_between_tally_rows_as_it_changes_and_the_rates_follow_the_time(
    citizen, official, category, region, department, django_user_model
):
    """Running, paused past its due time, breached by the scan, moved back
    to running by a correction, stopped: at each step the tallies equal a
    recount and the dashboard the records, whether or not the due time
    has passed at the time of asking."""
    from supervision import scan
    from supervision.services import clock_correct

    RoutingRuleFactory(category=category, lead_department=department)
    case, _ = case_submit(actor=citizen, kind="complaint", category=category, region=region, title="路灯不亮",
                          body="小区门口路灯坏了一周。", contact_email=citizen.email)
    services.case_route(case_id=case.id)
    now = timezone.now()
    assert assert_tallies_match_the_records(now).dispatched == 1
    services.case_sign_for(actor=official, case_id=case.id)
    reply = SupervisionClock.objects.get(case=case, kind=ClockKind.REPLY)
    later = reply.due_at + datetime.timedelta(minutes=1)
    assert assert_tallies_match_the_records(now).replies_due == 0
    assert assert_tallies_match_the_records(later).replies_due == 1  # past due, not yet breached: counted live

    services.material_request(actor=official, case_id=case.id, message="请提供具体位置")
    assert SupervisionClock.objects.get(pk=reply.pk).state == ClockState.PAUSED
    # Paused before its due time: it waits with its time and is not due,
    # however late one asks (its due time moves on when it resumes).
    row = assert_tallies_match_the_records(later)
    assert (row.replies_due, row.overdue, row.on_time_rate) == (0, 0, None)
    services.material_add(actor=citizen, case_id=case.id, answer="3号楼门口")
    SupervisionClock.objects.filter(pk=reply.pk).update(due_at=now - datetime.timedelta(minutes=1))
    assert assert_tallies_match_the_records(now).replies_due == 1
    scan.scan(now)
    assert SupervisionClock.objects.get(pk=reply.pk).state == ClockState.BREACHED
    row = assert_tallies_match_the_records(now)
    assert (row.replies_due, row.overdue) == (1, 1)  # tallied as breached

    admin = django_user_model.objects.create_superuser(email="admin@example.com", password="x")
    clock_correct(actor=admin, clock_id=reply.pk, new_due_at=now + datetime.timedelta(days=3), reason="录入错误")
    assert SupervisionClock.objects.get(pk=reply.pk).state == ClockState.RUNNING
    row = assert_tallies_match_the_records(timezone.now())
    assert (row.replies_due, row.overdue) == (0, 0)
    services.case_reply(actor=official, case_id=case.id, body="已修复路灯。")
    row = assert_tallies_match_the_records(timezone.now())
    assert (row.replies_due, row.replied_in_time) == (1, 1)

    other, _ = case_submit(actor=citizen, kind="complaint", category=category, region=region, title="噪音",
                           body="夜间施工噪音。", contact_email=citizen.email)
    services.case_route(case_id=other.id)
    services.case_withdraw(actor=citizen, case_id=other.id)
    assert assert_tallies_match_the_records(timezone.now()).dispatched == 1  # the cancelled one is not


@pytest.mark.django_db
def test_a_sign_for_clock_counts_in_no_rate_until_it_comes_due_then_as_late(
    citizen, official, category, region, department
):
    """Running and not due: in no rate. Past its due time, before and after
    the scan marks it breached: late. The tallies, a rebuild of them and
    verify_supervision agree at each step."""
    from supervision import scan

    RoutingRuleFactory(category=category, lead_department=department)
    case, _ = case_submit(actor=citizen, kind="complaint", category=category, region=region, title="占道经营",
                          body="人行道被摊贩占用。", contact_email=citizen.email)
    services.case_route(case_id=case.id)
    sign_for = SupervisionClock.objects.get(case=case, kind=ClockKind.SIGN_FOR)
    row = assert_tallies_match_the_records(timezone.now())
    assert (row.dispatched, row.sign_for_due, row.response_rate, row.return_rate, row.overdue) == (1, 0, None, None, 0)

    later = sign_for.due_at + datetime.timedelta(minutes=1)
    row = assert_tallies_match_the_records(later)  # counted live: the scan has not run
    assert (row.sign_for_due, row.signed_in_time, row.response_rate, row.overdue) == (1, 0, 0.0, 1)
    assert scan.send_breach_notices(later) == 1
    assert scan.send_breach_notices(later) == 0
    row = assert_tallies_match_the_records(later)  # now tallied as breached, counted once
    assert (row.sign_for_due, row.response_rate, row.overdue) == (1, 0.0, 1)
    call_command("rebuild_tallies")
    assert as_dicts([assert_tallies_match_the_records(later)]) == as_dicts([row])
    call_command("verify_supervision")  # exits 1 on any difference

    services.case_sign_for(actor=official, case_id=case.id)  # signed for, late
    row = assert_tallies_match_the_records(timezone.now())
    assert (row.sign_for_due, row.signed_in_time, row.response_rate, row.overdue) == (1, 0, 0.0, 1)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)")
def test_clocks_moved_at_once_by_many_officials_keep_the_tallies_exact(citizen, official, category, region,
                                                                     department):
    """Officials signing for and answering cases of one department on one
    day at once add to and take from the same tally rows; none is lost,
    no transaction deadlocks, and no empty row is left behind."""
    import threading

    RoutingRuleFactory(category=category, lead_department=department)
    cases = []
    for number in range(24):
        case, _ = case_submit(actor=citizen, kind="complaint", category=category, region=region,
                              title=f"井盖缺失 {number}", body="路口井盖缺失。", contact_email=citizen.email)
        services.case_route(case_id=case.id)
        cases.append(case.id)
    barrier, errors = threading.Barrier(4), []

    def work(case_ids):
        try:
            barrier.wait(timeout=30)
            for case_id in case_ids:
                services.case_sign_for(actor=official, case_id=case_id)
                services.case_reply(actor=official, case_id=case_id, body="已补装井盖。")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(cases[index::4],)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert tallies.differences() == []
    assert not ClockTally.objects.filter(clocks=0).exists()
    assert ClockTally.objects.get(facet="", kind=ClockKind.REPLY, state=ClockState.MET).clocks == 24
