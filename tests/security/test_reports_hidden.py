"""Reports of misconduct reach the supervisors alone: every URL of the
project (read from the resolver, so a URL added later is driven too), with
every method its view takes, as every role — a citizen, the reporter, an
official of the reported department and its head, a dispatcher, a
supervisor, an administrator and an anonymous visitor — aimed at the
access matrix's objects and at every report, its evidence and the
explanations asked of the department, with and without a search for the
report's words. No answer to anyone but a supervisor carries a report's
account, the official it names, its evidence or its reporter's identity
(the reporter sees their own account); the administrator reads the log of
reads and nothing of the reports themselves.

The access matrix (tests/security/test_access_matrix.py) proves who is
refused what; this module proves what each role is shown, refusals and
rightful answers alike."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from oversight.models import ReportRead
from tests.security import test_access_matrix as matrix
from tests.security.access_rules import RULES
from tests.security.access_world import (
    ANONYMOUS_REPORT_BODY,
    EVIDENCE_CONTENT,
    EVIDENCE_NAME,
    REPORT_BODY,
    REPORT_OFFICIAL,
    WHISTLE_BODY,
    WHISTLE_EVIDENCE_NAME,
    WHISTLE_OFFICIAL,
    WHISTLEBLOWER_EMAIL,
    WHISTLEBLOWER_NAME,
    WHISTLEBLOWER_PHONE,
)

pytestmark = pytest.mark.django_db

# The matrix's world and settings, shared (module-scoped, rolled back at the end).
world = matrix.world
media_root = matrix.media_root
_no_rate_limits = matrix._no_rate_limits

# The roles of the guarantee, as the matrix's accounts ("admin" is a staff
# account that may read the log of reads in the admin).
ROLES = {
    "citizen": "stranger",
    "reporter": "owner",
    "official of the reported department": "official_a",
    "head of the reported department": "head_a",
    "dispatcher": "dispatcher",
    "supervisor": "supervisor",
    "admin": "admin",
    "anonymous": "anonymous",
}
SUPERVISOR = {"supervisor"}
REPORTED_DEPARTMENT = {"official_a", "head_a"}
SEARCHES = ["7731", "5582", "9913"]


def hidden(w):
    """(what, text, the accounts that may read it)."""
    return [
        ("the reporter's account of what happened", REPORT_BODY, SUPERVISOR | {"owner"}),
        ("the official the reporter names", REPORT_OFFICIAL, SUPERVISOR | {"owner"}),
        ("the name of the evidence", EVIDENCE_NAME, SUPERVISOR),
        ("the content of the evidence", EVIDENCE_CONTENT.decode(), SUPERVISOR),
        ("an anonymous report's account", ANONYMOUS_REPORT_BODY, SUPERVISOR),
        ("a reporter's name", WHISTLEBLOWER_NAME, SUPERVISOR),
        ("a reporter's e-mail address", WHISTLEBLOWER_EMAIL, SUPERVISOR),
        ("a reporter's mobile number", WHISTLEBLOWER_PHONE, SUPERVISOR),
        ("another report's account", WHISTLE_BODY, SUPERVISOR),
        ("the official another report names", WHISTLE_OFFICIAL, SUPERVISOR),
        ("the name of another report's evidence", WHISTLE_EVIDENCE_NAME, SUPERVISOR),
        # The number itself: the department must not learn a report exists.
        ("a report's tracking number", w.report_whistle.tracking_number, SUPERVISOR | {"admin"}),
    ]


def report_probes(w, route: str) -> list[dict]:
    """Every report, evidence file and explanation the URL's parameters can
    name, beyond the matrix's own target."""
    names = set(re.findall(r"<(?:\w+:)?(\w+)>", route))
    probes = []
    if "report_id" in names:
        reports = [w.report, w.report_whistle, w.report_anonymous, w.report_concluded]
        if "evidence_id" in names:
            probes += [{"report_id": w.report.pk, "evidence_id": w.evidence.pk},
                       {"report_id": w.report_whistle.pk, "evidence_id": w.whistle_evidence.pk}]
        else:
            extra = {name: "accept" for name in names - {"report_id"}}
            probes += [{"report_id": report.pk, **extra} for report in reports]
    if names == {"request_id"}:
        probes += [{"request_id": w.explanation.pk}, {"request_id": w.whistle_explanation.pk}]
    return probes


def client_of(w, account) -> Client:
    client = Client()
    user = w.admin if account == "admin" else w.users.get(account)
    if user is not None:
        client.force_login(user)
    return client


ROUTES = {key: route for key, route, _pattern in matrix.ALL_PATTERNS}


@pytest.mark.parametrize("key", matrix.SITE_KEYS)
def test_no_one_but_a_supervisor_is_shown_a_report(world, key):
    rule = RULES[key]
    methods = matrix.methods_of(matrix.CALLBACKS[key])
    secrets = hidden(world)
    targets = [rule.target(world), *(probe["kwargs"] for probe in (rule.forbidden(world) if rule.forbidden
                                                                  else []) if "kwargs" in probe)]
    if not rule.path:
        targets += report_probes(world, ROUTES[key])
    failures = []
    for role, account in ROLES.items():
        client = client_of(world, account)
        for index, kwargs in enumerate(targets):
            url = matrix.address(key, rule, kwargs)
            requests = [(method, rule.query(world), rule.data(world)) for method in methods]
            if index == 0:
                requests += [("GET", {**rule.query(world), "q": words}, None) for words in SEARCHES]
            for method, query, data in requests:
                response = matrix.send(client, method, url, query=query, data=data)
                text = matrix.body_of(response) + response.get("Location", "")
                for what, secret, readers in secrets:
                    if account not in readers and secret in text:
                        failures.append(f"{role} {method} {url} {query or ''} answered {response.status_code} "
                                        f"showing {what}")
    assert not failures, f"{key}:\n" + "\n".join(failures)


def test_the_supervisor_is_shown_the_report_so_the_search_is_not_vacuous(world):
    """The control: the strings searched for are on the supervisor's page."""
    text = client_of(world, "supervisor").get(reverse("oversight:detail", args=[world.report_whistle.pk]))
    page = text.content.decode()
    for secret in (WHISTLE_BODY, WHISTLE_OFFICIAL, WHISTLE_EVIDENCE_NAME, WHISTLEBLOWER_EMAIL):
        assert secret in page


def test_the_administrator_reads_who_read_a_report_and_when_and_nothing_of_it(world):
    before = ReportRead.objects.filter(report=world.report_whistle).count()
    supervisor = client_of(world, "supervisor")
    supervisor.get(reverse("oversight:detail", args=[world.report_whistle.pk]))
    supervisor.get(reverse("oversight:evidence", args=[world.report_whistle.pk, world.whistle_evidence.pk]))
    supervisor.get(reverse("api:oversight:report", args=[world.report_whistle.pk]))
    reads = ReportRead.objects.filter(report=world.report_whistle).order_by("read_at")
    assert reads.count() == before + 3
    assert {read.via for read in reads} >= {"page", "evidence", "api"}
    assert {read.reader_id for read in reads} == {world.supervisor.pk}

    admin = client_of(world, "admin")
    log = admin.get(reverse("admin:oversight_reportread_changelist"),
                    {"q": world.report_whistle.tracking_number})
    text = log.content.decode()
    assert log.status_code == 200
    assert world.report_whistle.tracking_number in text and str(world.supervisor) in text
    for secret in (WHISTLE_BODY, WHISTLE_OFFICIAL, WHISTLE_EVIDENCE_NAME, WHISTLEBLOWER_EMAIL, WHISTLEBLOWER_NAME):
        assert secret not in text
    # The department's official reaches none of it.
    official = client_of(world, "official_a").get(reverse("admin:oversight_reportread_changelist"))
    assert official.status_code == 302 and official["Location"].startswith(reverse("admin:login"))
