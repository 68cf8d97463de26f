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
CASE_FIELDS = ["tracking_number", "url", "kind", "category", "region", "department", "status", "author", "title",
               "details", "answer", "submitted_at", "answered_at", "published_at"]
CHECKPOINT_FIELDS = ["day", "taken_at", "sequence", "hash", "signed_text", "signature", "public_key"]
RATE_FIELDS = ["department_code", "department", "period_start", "period_end", "dispatched", "response_rate",
               "replies_due", "on_time_rate", "evaluated", "resolution_rate", "satisfaction_rate"]


def _moment(value):
    return timezone.localtime(value).isoformat() if value else None


def case_record(publication, *, base_url: str = "") -> dict:
    case = publication.case
    return {
        "tracking_number": case.tracking_number,
        "url": base_url + reverse("publication:case_detail", args=[case.tracking_number]),
        "kind": publication.kind,
        "category": str(publication.category),
        "region": str(publication.region),
        "department": str(publication.department) if publication.department_id else None,
        "status": publication.public_status,
        "author": publication.author_label,
        "title": publication.title,
        "details": publication.body,
        "answer": publication.answer or None,
        "submitted_at": _moment(publication.submitted_at),
        "answered_at": _moment(publication.answered_at),
        "published_at": _moment(publication.published_at),
    }


def rate_record(department, rates, *, start, end) -> dict:
    def value(name):
        return getattr(rates, name) if rates is not None else None

    return {
        "department_code": department.code, "department": str(department),
        "period_start": _moment(start), "period_end": _moment(end),
        "dispatched": value("dispatched") or 0, "response_rate": value("response_rate"),
        "replies_due": value("replies_due") or 0, "on_time_rate": value("on_time_rate"),
        "evaluated": value("evaluated") or 0, "resolution_rate": value("resolution_rate"),
        "satisfaction_rate": value("satisfaction_rate"),
    }


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
    if fmt == "csv":
        response = HttpResponse("".join(_csv_lines(RATE_FIELDS, records)), content_type="text/csv; charset=utf-8")
    elif fmt == "json":
        response = HttpResponse(json.dumps(records, ensure_ascii=False, indent=1),
                                content_type="application/json; charset=utf-8")
    else:
        raise Http404("Unknown format")
    response["Content-Disposition"] = f'attachment; filename="wenzheng-department-rates.{fmt}"'
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
    if fmt == "csv":
        response = HttpResponse("".join(_csv_lines(CHECKPOINT_FIELDS, records)), content_type="text/csv; charset=utf-8")
    elif fmt == "json":
        response = HttpResponse(json.dumps(records, ensure_ascii=False, indent=1),
                                content_type="application/json; charset=utf-8")
    else:
        raise Http404("Unknown format")
    response["Content-Disposition"] = f'attachment; filename="wenzheng-supervision-ledger.{fmt}"'
    return response
