"""Due times for the clocks a case runs.

The walking skeleton counts working days as Monday to Friday and takes the
limits from the domain defaults below; the supervision issue replaces both
with the calendar and policy tables kept in the database."""

from datetime import datetime, timedelta

from petitions.models import Kind, Urgency

SIGN_FOR_WORKING_DAYS = 1
REPLY_WORKING_DAYS = {
    Kind.CONSULTATION: 3,
    Kind.SUGGESTION: 7,
    Kind.COMPLAINT: 13,
    Kind.HELP: 7,
    Kind.PETITION: 13,
}
EMERGENCY_REPLY = timedelta(hours=2)


def add_working_days(start: datetime, days: int) -> datetime:
    moment = start
    remaining = days
    while remaining > 0:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            remaining -= 1
    return moment


def sign_for_due(case, start: datetime) -> datetime:
    return add_working_days(start, SIGN_FOR_WORKING_DAYS)


def reply_due(case, start: datetime) -> datetime:
    if case.urgency == Urgency.EMERGENCY:
        return start + EMERGENCY_REPLY
    return add_working_days(start, REPLY_WORKING_DAYS[case.kind])
