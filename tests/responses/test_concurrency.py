"""Two people acting on the same case at the same moment, each on their own
database connection: one succeeds, the other is told the case changed, and
no update is lost. Meant for PostgreSQL (CI's second pass); SQLite runs it
too, with its writers queued by the IMMEDIATE transaction mode."""

import threading

import pytest
from django.db import connection

from petitions.lifecycle import Status
from portal.errors import CaseChanged, DomainError
from responses import services
from tests.factories import DispatchedCaseFactory, official_of

pytestmark = pytest.mark.django_db(transaction=True)


def race(*actions):
    """Run the actions at the same moment on separate threads (so separate
    connections); return what each returned or raised."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            results[index] = action()
        except Exception as error:  # noqa: BLE001 - the outcome is the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, action)) for index, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_officials_sign_for_at_once_and_one_is_told(department):
    first, second = official_of(department), official_of(department)
    case = DispatchedCaseFactory(lead_department=department)
    results = race(
        lambda: services.case_sign_for(actor=first, case_id=case.id, expected_version=case.version),
        lambda: services.case_sign_for(actor=second, case_id=case.id, expected_version=case.version),
    )
    refused = [result for result in results if isinstance(result, DomainError)]
    assert len(refused) == 1, results
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED
    assert case.history.filter(history_change_reason="signed_for").count() == 1


def test_two_assignments_at_once_lose_nothing(department):
    first, second = official_of(department), official_of(department)
    case = DispatchedCaseFactory(lead_department=department)
    services.case_sign_for(actor=first, case_id=case.id)
    case.refresh_from_db()
    results = race(
        lambda: services.case_assign(actor=first, case_id=case.id, assignee=first, expected_version=case.version),
        lambda: services.case_assign(actor=second, case_id=case.id, assignee=second, expected_version=case.version),
    )
    winners = [result for result in results if not isinstance(result, Exception)]
    losers = [result for result in results if isinstance(result, CaseChanged)]
    assert len(winners) == 1 and len(losers) == 1, results
    case.refresh_from_db()
    # What the winner saved is what the case holds: the loser overwrote nothing.
    assert case.assigned_to == winners[0].assigned_to
    assert case.version == winners[0].version


def test_the_loser_of_a_race_sees_the_new_state_on_the_case_page(client, department):
    first, second = official_of(department), official_of(department)
    case = DispatchedCaseFactory(lead_department=department)
    stale_version = case.version
    services.case_sign_for(actor=first, case_id=case.id)
    client.force_login(second)
    response = client.post(f"/cases/{case.pk}/actions/sign_for/", {"version": stale_version},
                           HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this case" in page or "signed for" in page
    assert 'id="case-status">signed for<' in page
