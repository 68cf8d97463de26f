"""The demo city: a history played through the services, an official for
every department, and loading it twice changes nothing."""

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from accounts.models import Department, DepartmentMembership, User
from petitions.lifecycle import Status
from petitions.models import Case, Kind
from portal.demo import ACCOUNTS, load_demo
from portal.front import month_figures
from publication.models import Publication, PublicationState
from publication.selectors import all_department_rates
from responses.models import ReturnVisit, RoutingRule
from signatures.models import Petition
from supervision.models import ClockKind, ClockState, Extension, SupervisionOrder

pytestmark = pytest.mark.django_db


def _snapshot():
    return (Case.objects.count(), User.objects.count(), Publication.objects.count(), Petition.objects.count(),
            list(Case.objects.values_list("status").annotate(n=Count("id")).order_by("status")))


def test_demo_history_is_real_and_loading_it_again_changes_nothing(capsys):
    load_demo()
    cases = Case.objects.all()
    assert cases.count() >= 60
    statuses = set(cases.values_list("status", flat=True))
    assert {Status.DISPATCHED, Status.ACCEPTED, Status.REPLIED, Status.CLOSED, Status.RETURNED, Status.MERGED,
            Status.ROUTING_CENTRE, Status.PENDING_APPROVAL} <= statuses
    assert cases.filter(reopened_count__gt=0, status=Status.ACCEPTED).exists(), "a reopened case being re-handled"
    assert cases.filter(feedback__isnull=False).distinct().count() >= 25, "rated cases"
    assert {kind for kind, _label in Kind.choices} <= set(cases.values_list("kind", flat=True))
    assert cases.filter(language="en").count() >= 3
    assert set(Department.objects.values_list("pk", flat=True)) - set(
        cases.exclude(lead_department=None).values_list("lead_department", flat=True)) <= set(
        Department.objects.filter(parent=None, code__in=["dongcheng", "xicheng"]).values_list("pk", flat=True))
    # Overdue: a reply clock ran out and the scan said so.
    assert cases.filter(clocks__kind=ClockKind.REPLY, clocks__state=ClockState.BREACHED,
                        status=Status.ACCEPTED).exists()
    # The history spans months, written at the time of each step.
    oldest = cases.order_by("submitted_at").first()
    assert (timezone.now() - oldest.submitted_at).days >= 100
    assert oldest.history.order_by("history_date").last().history_date < timezone.now() - timezone.timedelta(days=60)

    published = Publication.objects.filter(state=PublicationState.PUBLISHED).exclude(answer="")
    assert published.count() >= 30
    petitions = Petition.objects.all()
    assert petitions.count() == 2
    crossed = petitions.get(response_threshold_reached_at__isnull=False)
    assert crossed.confirmed_count >= crossed.response_threshold
    assert crossed.case.clocks.filter(kind=ClockKind.PETITION_RESPONSE, state=ClockState.RUNNING).exists()
    assert SupervisionOrder.objects.count() >= 2
    assert Extension.objects.filter(state=Extension.State.APPROVED).exists()
    assert ReturnVisit.objects.count() >= 3

    now = timezone.now()
    rated = [rates for _department, rates in all_department_rates(now=now) if rates and rates.evaluated]
    assert len(rated) >= 5
    assert any(rates.satisfaction_rate and rates.satisfaction_rate < 100 for rates in rated)
    assert month_figures(now=now).received > 0

    capsys.readouterr()
    call_command("verify_supervision")  # exits 1 on any finding
    assert "intact" in capsys.readouterr().out

    before = _snapshot()
    load_demo()
    call_command("load_demo")
    assert _snapshot() == before


def test_every_department_a_rule_routes_to_has_a_demo_official_and_housing_needs_its_heads_approval():
    accounts = load_demo()
    printed = {email for email, _password, _role in accounts}
    for rule in RoutingRule.objects.select_related("lead_department"):
        officials = DepartmentMembership.objects.filter(department=rule.lead_department, is_head=False)
        assert officials.exists(), rule.lead_department
        assert printed & set(officials.values_list("user__email", flat=True))
    for department in Department.objects.all():
        assert DepartmentMembership.objects.filter(department=department).exists(), department
    approving = Department.objects.get(requires_head_approval=True)
    head = DepartmentMembership.objects.get(department=approving, is_head=True).user
    assert head.email in printed
    # The city's accounts, and those the further mechanisms' demos add.
    assert {email for email, *_rest in ACCOUNTS} <= printed


def test_runportal_prints_every_account_the_demo_made(monkeypatch):
    """A newcomer reads the accounts from runportal's banner at every start,
    the interview host's too (load_demo prints them only the first time)."""
    import io

    from portal.management.commands.runportal import Command

    made = [email for email, _password, _role in load_demo(history=False)]
    out = io.StringIO()
    Command(stdout=out)._announce("127.0.0.1:8000", embedded=True)
    banner = out.getvalue()
    assert "host@wenzheng.example" in made
    assert [email for email in made if email not in banner] == []
