"""Open data: published cases, departments' rates and the supervision
ledger's checkpoints as CSV and JSON.

Cases are streamed (a few hundred rows read at a time, written as they are
read), so a download of every public case holds little memory whatever its
size."""

import csv
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from portal.spreadsheet import safe_row
from supervision.ledger import checkpoint_text

CHUNK = 500
CHECKPOINT_FIELDS = ["day", "taken_at", "sequence", "hash", "signed_text", "signature", "public_key"]


def _moment(value):
    return timezone.localtime(value).isoformat() if value else None


# Each open-data field beside how it is read: from a publication (cases) and
# from a department with its rates (rates). The CSV's columns and the JSON's
# keys are these, in this order.
CASE_FIELDS = {
    "tracking_number": lambda item: item.case.tracking_number,
    "url": lambda item: reverse("publication:case_detail", args=[item.case.tracking_number]),
    "kind": lambda item: item.kind,
    "category": lambda item: str(item.category),
    "region": lambda item: str(item.region),
    "department": lambda item: str(item.department) if item.department_id else None,
    "status": lambda item: item.public_status,
    "author": lambda item: item.author_label,
    "title": lambda item: item.title,
    "details": lambda item: item.body,
    "answer": lambda item: item.answer or None,
    "submitted_at": lambda item: _moment(item.submitted_at),
    "answered_at": lambda item: _moment(item.answered_at),
    "published_at": lambda item: _moment(item.published_at),
}
RATE_FIELDS = {
    "department_code": lambda department, rates: department.code,
    "department": lambda department, rates: str(department),
    "period_start": None,  # the period's, set by rate_record
    "period_end": None,
    "dispatched": lambda department, rates: (rates and rates.dispatched) or 0,
    "sign_for_due": lambda department, rates: (rates and rates.sign_for_due) or 0,
    "response_rate": lambda department, rates: rates and rates.response_rate,
    "replies_due": lambda department, rates: (rates and rates.replies_due) or 0,
    "on_time_rate": lambda department, rates: rates and rates.on_time_rate,
    "evaluated": lambda department, rates: (rates and rates.evaluated) or 0,
    "resolution_rate": lambda department, rates: rates and rates.resolution_rate,
    "satisfaction_rate": lambda department, rates: rates and rates.satisfaction_rate,
}


def case_record(publication, *, base_url: str = "") -> dict:
    record = {name: value(publication) for name, value in CASE_FIELDS.items()}
    record["url"] = base_url + record["url"]
    return record


def rate_record(department, rates, *, start, end) -> dict:
    record = {name: value(department, rates) if value else None for name, value in RATE_FIELDS.items()}
    record.update(period_start=_moment(start), period_end=_moment(end))
    return record


class _Echo:
    """A file-like object csv.writer writes one row to and we hand on."""

    def write(self, value):
        return value


def _csv_lines(fields, records):
    writer = csv.writer(_Echo())
    # A byte-order mark, so spreadsheet programs read the Chinese correctly.
    yield "\ufeff" + writer.writerow(fields)
    for record in records:
        yield writer.writerow(safe_row("" if record[name] is None else record[name] for name in fields))


def _json_lines(records):
    yield "["
    for number, record in enumerate(records):
        yield ("," if number else "") + "\n" + json.dumps(record, ensure_ascii=False, cls=DjangoJSONEncoder)
    yield "\n]\n"


def cases_response(request, publications, fmt: str):
    base_url = request.build_absolute_uri("/")[:-1]
    records = (case_record(item, base_url=base_url) for item in publications.iterator(chunk_size=CHUNK))
    if fmt == "csv":
        response = StreamingHttpResponse(_csv_lines(CASE_FIELDS, records), content_type="text/csv; charset=utf-8")
    elif fmt == "json":
        response = StreamingHttpResponse(_json_lines(records), content_type="application/json; charset=utf-8")
    else:
        raise Http404("Unknown format")
    response["Content-Disposition"] = f'attachment; filename="wenzheng-public-cases.{fmt}"'
    return response


def rates_response(rows, fmt: str, *, now):
    from publication.selectors import scorecard_scope

    scope = scorecard_scope(None, now=now)
    records = [rate_record(department, rates, start=scope.start, end=scope.end) for department, rates in rows]
    return _records_response(RATE_FIELDS, records, fmt, name="wenzheng-department-rates")


def _records_response(fields, records: list[dict], fmt: str, *, name: str) -> HttpResponse:
    """A small table of records as a CSV or JSON download."""
    if fmt == "csv":
        response = HttpResponse("".join(_csv_lines(fields, records)), content_type="text/csv; charset=utf-8")
    elif fmt == "json":
        response = HttpResponse(json.dumps(records, ensure_ascii=False, indent=1),
                                content_type="application/json; charset=utf-8")
    else:
        raise Http404("Unknown format")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def checkpoint_record(checkpoint) -> dict:
    return {
        "day": checkpoint.day.isoformat(), "taken_at": _moment(checkpoint.taken_at),
        "sequence": checkpoint.sequence, "hash": checkpoint.hash,
        "signed_text": checkpoint_text(checkpoint.day, checkpoint.sequence, checkpoint.hash),
        "signature": checkpoint.signature, "public_key": checkpoint.public_key,
    }


def checkpoints_response(checkpoints, fmt: str):
    """Every checkpoint, oldest first (one a day: a few thousand rows in ten years)."""
    records = [checkpoint_record(checkpoint) for checkpoint in checkpoints]
    return _records_response(CHECKPOINT_FIELDS, records, fmt, name="wenzheng-supervision-ledger")
