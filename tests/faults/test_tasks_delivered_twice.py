"""Fault matrix, row 4: every task delivered twice (a worker killed before
acknowledging, two sweepers) leaves the database as one delivery does."""

import datetime as dt
import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.core import mail
from django.utils import timezone

from notifications.models import Event, Notification
from notifications.services import notify_citizen
from petitions.lifecycle import Status
from petitions.models import Case
from portal.celery import app as celery_app
from supervision.models import ClockKind, SupervisionClock
from tests.factories import CaseFactory, RoutingRuleFactory, UserFactory, official_of

pytestmark = pytest.mark.django_db
# Every app of this repository (not the libraries'), so a new app's tasks join the matrix.
PROJECT_APPS = tuple(
    config.label for config in apps.get_app_configs()
    if Path(config.path).resolve().is_relative_to(Path(__file__).resolve().parents[2])
    and ".venv" not in Path(config.path).parts
)


def project_tasks() -> dict:
    """Every task of the project, as the worker registers them (tasks.py of each app)."""
    for app_label in PROJECT_APPS:
        try:
            importlib.import_module(f"{app_label}.tasks")
        except ModuleNotFoundError:
            pass
    return {name: task for name, task in celery_app.tasks.items() if name.split(".")[0] in PROJECT_APPS}


def state() -> dict:
    """What a person would notice: every row of the project's tables, who was
    e-mailed, and what the cases' and notices' states are."""
    counts = {model._meta.label: model._default_manager.count()
              for model in apps.get_models() if model._meta.app_label in PROJECT_APPS}
    from notifications import sms
    from notifications.models import SmsMessage

    return {**counts, "e-mails": sorted((m.subject, tuple(m.to)) for m in mail.outbox),
            "texts": sorted((m.to, m.kind) for m in sms.outbox),
            "text statuses": sorted(SmsMessage.objects.values_list("status", flat=True)),
            "statuses": sorted(Case.objects.values_list("status", flat=True)),
            "e-mailed": Notification.objects.exclude(emailed_at=None).count()}


def a_submitted_case(settings):
    department = official_of_new_department()
    case = CaseFactory(status=Status.SUBMITTED, submitted_at=timezone.now() - dt.timedelta(minutes=5))
    RoutingRuleFactory(category=case.category, lead_department=department)
    settings.ROUTING_SWEEP_AFTER_SECONDS = 60
    return case


def official_of_new_department():
    from tests.factories import DepartmentFactory

    department = DepartmentFactory()
    official_of(department)
    return department


def an_unsent_notification(settings):
    citizen = UserFactory()
    case = CaseFactory(citizen=citizen, contact_email=citizen.email)
    notify_citizen(event=Event.DISPATCHED, case=case, occurrence="1")
    Notification.objects.update(created_at=timezone.now() - dt.timedelta(minutes=5))
    return Notification.objects.get().key


def a_clock_past_due(settings):
    department = official_of_new_department()
    now = timezone.now()
    case = CaseFactory(status=Status.DISPATCHED, lead_department=department)
    SupervisionClock.objects.create(case=case, kind=ClockKind.SIGN_FOR, department=department,
                                    started_at=now - dt.timedelta(days=2), warn_at=now - dt.timedelta(hours=3),
                                    due_at=now - dt.timedelta(hours=1), original_due_at=now - dt.timedelta(hours=1))


def the_first_of_october_with_next_year_missing(monkeypatch):
    from supervision.calendar import missing_years

    UserFactory(email="root@example.org", is_superuser=True, is_staff=True)
    today = dt.date(timezone.localdate().year, 10, 1)
    if not missing_years(today, ahead=1):
        today = dt.date(today.year + 50, 10, 1)  # a year no calendar package knows yet
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: today)


def a_signature_to_confirm(settings):
    from signatures.models import Petition, Signature

    case = CaseFactory(kind="petition", wants_public=True, status=Status.ACCEPTED, title="Open the playground")
    from publication.signals import case_published

    case_published.send(sender=Case, case=case, by=UserFactory(roles=["moderator"]))
    petition = Petition.objects.get(case=case)
    return Signature.objects.create(petition=petition, name="Wang Fang", email="wang@example.org",
                                    email_normalised="wang@example.org", email_domain="example.org",
                                    created_at=timezone.now()).pk


def a_waiting_text() -> list:
    from notifications.models import Event, SmsMessage

    case = CaseFactory(citizen=None, contact_phone="+8613812345678", contact_email="")
    message = SmsMessage.objects.create(phone=case.contact_phone, case=case, event=Event.REPLIED,
                                        key=f"replied:{case.pk}:1", kind="replied", params={"link": "x"},
                                        not_before=timezone.now() - dt.timedelta(minutes=5))
    return [message.pk]


def an_old_phone_code() -> bool:
    from accounts.models import PhoneCode

    old = timezone.now() - dt.timedelta(days=2)
    PhoneCode.objects.create(phone="+8613812345678", code_hash="0" * 64, created_at=old, expires_at=old)
    return True


def an_old_task_claim() -> bool:
    from portal.models import TaskClaim

    claim = TaskClaim.objects.create(key="an old claim")
    TaskClaim.objects.filter(pk=claim.pk).update(claimed_at=timezone.now() - dt.timedelta(days=31))
    return True


def a_taken_broker_message(settings) -> bool:
    """One message in a private embedded broker file, taken by a consumer."""
    from kombu import Connection

    from portal.embedded import embedded_broker_prepare

    broker_file = settings.MEDIA_ROOT.parent / "broker.sqlite3"
    embedded_broker_prepare(broker_file)
    settings.CELERY_BROKER_URL = f"sqla+sqlite:///{broker_file}"
    with Connection(settings.CELERY_BROKER_URL) as connection:
        queue = connection.SimpleQueue("taken")
        queue.put({"n": 1})
        queue.get(timeout=5).ack()
        queue.close()
    return True


def a_question_asked_by_email() -> int:
    from interviews import services
    from tests.factories import CategoryFactory, DepartmentFactory, RegionFactory

    start = timezone.now() + dt.timedelta(hours=1)
    interview = services.interview_schedule(
        actor=UserFactory(roles=["interview_host"]), title="公交线路优化在线访谈", department=DepartmentFactory(),
        guests="交通委副主任 陈明", starts_at=start, ends_at=start + dt.timedelta(hours=1),
        category=CategoryFactory(), region=RegionFactory())
    return services.question_submit_by_email(interview_id=interview.pk, email="asker@example.org",
                                             body="夜班公交能否增加班次？").pk


# task name -> how to set up the state it acts on; returns its arguments.
DELIVERIES = {
    "responses.tasks.route_case": lambda s, m: [a_submitted_case(s).pk],
    "responses.tasks.sweep_unrouted_cases": lambda s, m: a_submitted_case(s) and [],
    "notifications.tasks.email_notifications": lambda s, m: [an_unsent_notification(s)],
    "notifications.tasks.email_notification_batch": lambda s, m: [[an_unsent_notification(s)]],
    "notifications.tasks.sweep_unsent_notifications": lambda s, m: an_unsent_notification(s) and [],
    "supervision.tasks.scan_deadlines": lambda s, m: a_clock_past_due(s) or [],
    "supervision.tasks.remind_to_enter_next_year": lambda s, m: the_first_of_october_with_next_year_missing(m) or [],
    "supervision.tasks.record_ledger_checkpoint": lambda s, m: [],
    "signatures.tasks.send_signature_confirmation": lambda s, m: [a_signature_to_confirm(s)],
    "signatures.tasks.detect_surges": lambda s, m: [],
    "places.tasks.warm_public_map": lambda s, m: [],
    "portal.tasks.record_worker_heartbeat": lambda s, m: ["routing"],
    "portal.tasks.prune_task_claims": lambda s, m: an_old_task_claim() and [],
    "portal.tasks.prune_broker_messages": lambda s, m: a_taken_broker_message(s) and [],
    "twofactor.tasks.email_two_factor_change": lambda s, m: [UserFactory(is_staff=True).pk, "confirmed"],
    "accounts.tasks.email_address_confirmation": lambda s, m: [UserFactory(email_confirmed_at=None).pk],
    "accounts.tasks.email_registration_attempt": lambda s, m: [UserFactory().pk],
    "accounts.tasks.email_password_reset": lambda s, m: [UserFactory().email, "en"],
    "accounts.tasks.prune_phone_codes": lambda s, m: an_old_phone_code() and [],
    "notifications.tasks.send_text": lambda s, m: a_waiting_text(),
    "notifications.tasks.sweep_waiting_texts": lambda s, m: a_waiting_text() and [],
    "interviews.tasks.send_question_confirmation": lambda s, m: [a_question_asked_by_email()],
}
# Run twice by their own apps' tests, which need more set-up than fits here.
ELSEWHERE = {
    "notifications.tasks.send_daily_digests": "tests/notifications",
    "signatures.tasks.record_petition_response": "tests/signatures",
    "signatures.tasks.plan_response_mailing": "tests/signatures",
    "signatures.tasks.email_response_batch": "tests/signatures",
    "signatures.tasks.sweep_petitions": "tests/signatures",
    "supervision.tasks.run_export": "tests/supervision",
    "consultations.tasks.group_comment": "tests/consultations",
    "consultations.tasks.close_due_consultations": "tests/consultations",
    "consultations.tasks.group_pending": "tests/consultations/test_grouping_at_scale.py",
    "consultations.tasks.sweep_ungrouped_comments": "tests/consultations/test_grouping_at_scale.py",
    "consultations.tasks.export_comments": "tests/consultations/test_exports.py",
}


def test_every_task_of_the_project_is_in_the_matrix():
    assert set(project_tasks()) == set(DELIVERIES) | set(ELSEWHERE)


@pytest.mark.parametrize("name", sorted(DELIVERIES))
def test_a_task_delivered_twice_does_its_work_once(name, settings, monkeypatch):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    args = DELIVERIES[name](settings, monkeypatch)
    task = project_tasks()[name]
    before = state()

    task.apply(args=args, task_id=f"{name}-message").get()
    once = state()
    task.apply(args=args, task_id=f"{name}-message").get()  # the same message again

    assert state() == once
    # No surge in an empty portal; the heartbeat and the map's counts are
    # kept in the cache, the broker's messages in its own file.
    nothing_in_the_database = ("signatures.tasks.detect_surges", "portal.tasks.record_worker_heartbeat",
                               "portal.tasks.prune_broker_messages", "places.tasks.warm_public_map")
    assert once != before or name in nothing_in_the_database, "the set-up gave the task nothing to do"
