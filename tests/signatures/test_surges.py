"""Surge alerts: a burst of cases in one category or region is flagged once."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Event, Notification
from signatures import tasks
from signatures.models import SurgeAlert, SurgeSettings
from signatures.selectors import open_surge_alerts
from signatures.surges import surge_scan, window_for
from tests.factories import CaseFactory, CategoryFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def window_end():
    return window_for(timezone.now(), 3)[1]


def cases(n, *, at, category, region):
    return [CaseFactory(category=category, region=region, submitted_at=at) for _ in range(n)]


@pytest.fixture
def traffic(window_end):
    """Ordinary traffic in one category and region (2 to 4 cases a window,
    every day), and a quiet one (0 or 1 a window) that suddenly gets 12."""
    busy_cat, busy_region = CategoryFactory(name_en="Roads"), RegionFactory(name_en="Xicheng")
    quiet_cat, quiet_region = CategoryFactory(name_en="Water"), RegionFactory(name_en="Chaoyang")
    for day in range(1, 15):
        at = window_end - timedelta(days=day, hours=1)
        cases(2 + day % 3, at=at, category=busy_cat, region=busy_region)
        cases(day % 2, at=at, category=quiet_cat, region=quiet_region)
    now = window_end - timedelta(minutes=30)
    cases(4, at=now, category=busy_cat, region=busy_region)  # an ordinary window
    burst = cases(12, at=now, category=quiet_cat, region=quiet_region)
    # Outside the window: not counted.
    cases(20, at=window_end + timedelta(minutes=5), category=busy_cat, region=busy_region)
    return {"busy": (busy_cat, busy_region), "quiet": (quiet_cat, quiet_region), "burst": burst}


def test_a_burst_is_flagged_and_ordinary_traffic_is_not(traffic, window_end, supervisor, official):
    alerts = surge_scan(now=window_end + timedelta(minutes=10))
    quiet_cat, quiet_region = traffic["quiet"]
    assert {(alert.dimension, alert.subject) for alert in alerts} == {("category", quiet_cat),
                                                                      ("region", quiet_region)}
    alert = SurgeAlert.objects.get(dimension="category")
    assert alert.case_count == 12
    assert alert.baseline_mean == pytest.approx(0.5)
    assert alert.threshold == pytest.approx(max(5, 3 * 0.5 + 3 * 0.5))
    assert set(alert.cases.values_list("id", flat=True)) == {case.id for case in traffic["burst"]}
    assert alert.window_end == window_end and alert.window_start == window_end - timedelta(hours=3)
    notified = Notification.objects.filter(event=Event.SURGE_ALERT)
    assert set(notified.values_list("recipient", flat=True)) == {supervisor.pk}
    assert notified.count() == 2  # one per alert


def test_running_the_task_twice_raises_one_alert(traffic, window_end, supervisor, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: window_end + timedelta(minutes=10))
    tasks.detect_surges()
    tasks.detect_surges()
    monkeypatch.setattr(timezone, "now", lambda: window_end + timedelta(minutes=50))
    tasks.detect_surges()
    assert SurgeAlert.objects.filter(dimension="category").count() == 1
    assert Notification.objects.filter(event=Event.SURGE_ALERT).count() == 2
    # The next hour's window overlaps the flagged one: no second alert for the same burst.
    monkeypatch.setattr(timezone, "now", lambda: window_end + timedelta(hours=1, minutes=10))
    tasks.detect_surges()
    quiet_cat, quiet_region = traffic["quiet"]
    assert SurgeAlert.objects.filter(category=quiet_cat).count() == 1
    assert SurgeAlert.objects.filter(region=quiet_region).count() == 1
    # ...while the busy category, with 20 more cases after the hour, now has a surge of its own.
    busy_cat, _busy_region = traffic["busy"]
    assert SurgeAlert.objects.get(category=busy_cat).case_count == 4 + 20


def test_the_rule_follows_the_settings(traffic, window_end):
    config = SurgeSettings.load()
    config.min_cases = 20
    config.save()
    assert surge_scan(now=window_end + timedelta(minutes=10)) == []


def test_the_hot_topics_panel_lists_open_alerts_with_their_cases(client, traffic, window_end, supervisor):
    surge_scan(now=window_end + timedelta(minutes=10))
    client.force_login(supervisor)
    page = client.get(reverse("supervision:dashboard")).content.decode()
    assert "Hot topics: surge alerts" in page
    alert = SurgeAlert.objects.get(dimension="category")
    assert reverse("signatures:surge_alert", args=[alert.pk]) in page
    assert reverse("petitions:case_detail", args=[traffic["burst"][-1].pk]) in page
    assert "All 12 cases" in page
    detail = client.get(reverse("signatures:surge_alert", args=[alert.pk]))
    assert detail.status_code == 200 and traffic["burst"][0].tracking_number in detail.content.decode()
    client.post(reverse("signatures:surge_alert_close", args=[alert.pk]))
    alert.refresh_from_db()
    assert alert.state == SurgeAlert.State.CLOSED and alert.closed_by == supervisor
    # Who closed it and when, in the parentheses and comma Chinese writes.
    closed = client.get(reverse("signatures:surge_alert", args=[alert.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert f"（{supervisor}，" in closed.content.decode()


def test_only_supervisors_see_surge_alerts(client, traffic, window_end, official):
    surge_scan(now=window_end + timedelta(minutes=10))
    alert = SurgeAlert.objects.first()
    client.force_login(official)
    assert client.get(reverse("signatures:surge_alert", args=[alert.pk])).status_code == 403
    assert client.post(reverse("signatures:surge_alert_close", args=[alert.pk])).status_code == 403
    alert.refresh_from_db()
    assert alert.state == SurgeAlert.State.OPEN


def test_the_panel_runs_a_fixed_number_of_queries(django_assert_num_queries, window_end):
    def alert(n):
        category = CategoryFactory()
        made = SurgeAlert.objects.create(dimension="category", category=category, window_start=window_end,
                                         window_end=window_end, case_count=n, baseline_mean=0, baseline_stdev=0,
                                         threshold=5)
        for case in cases(n, at=window_end, category=category, region=RegionFactory()):
            made.alert_cases.create(case=case)

    alert(7)
    with django_assert_num_queries(2):
        [only] = open_surge_alerts()
        assert len(only.latest) == 5 and only.listed == 7
    alert(6)
    alert(8)
    with django_assert_num_queries(2):
        alerts = open_surge_alerts()
        assert [item.listed for item in alerts] == [8, 6, 7]
        assert all(item.latest[0].case.tracking_number for item in alerts)


def test_the_alert_page_runs_a_fixed_number_of_queries(client, supervisor, traffic, window_end,
                                                       django_assert_max_num_queries):
    surge_scan(now=window_end + timedelta(minutes=10))
    client.force_login(supervisor)
    alert = SurgeAlert.objects.get(dimension="category")
    with django_assert_max_num_queries(10):
        assert client.get(reverse("signatures:surge_alert", args=[alert.pk])).status_code == 200


@pytest.mark.parametrize("template, msgid", [
    ("signatures/surge_alert.html", "Surge alert: %(subject)s"),
    ("signatures/petition_detail.html", "Petition %(number)s"),
])
def test_headings_with_a_value_are_one_translatable_sentence(template, msgid):
    """Translators get the whole phrase, with the value's place in it (word
    order differs between Chinese and English), not a word to join."""
    from pathlib import Path

    from django.conf import settings
    from django.utils.translation.template import templatize

    source = (Path(settings.BASE_DIR) / "templates" / template).read_text()
    assert f"gettext(u'{msgid}')" in templatize(source)  # as makemessages reads it
