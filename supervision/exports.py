"""Exports of supervision figures and of the cases behind them, as CSV and
XLSX. Small tables are written in the request; a drill-down export of many
cases is written by a Celery task that records its progress, and the page
polls it (see views.export_status)."""

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from portal.spreadsheet import safe_row

RATE_COLUMNS = [
    ("key_label", "Department"), ("dispatched", "Dispatched"), ("sign_for_due", "Sign-for due"),
    ("response_rate", "Response rate %"), ("replies_due", "Replies due"), ("on_time_rate", "On-time reply rate %"),
    ("resolution_rate", "Resolution rate %"),
    ("satisfaction_rate", "Satisfaction rate %"), ("return_rate", "Return rate %"), ("reopen_rate", "Reopen rate %"),
    ("overdue", "Overdue"), ("extensions", "Extensions granted"), ("sign_for_median", "Sign-for median (h)"),
    ("sign_for_p90", "Sign-for p90 (h)"), ("reply_median", "Reply median (h)"), ("reply_p90", "Reply p90 (h)"),
]
CASE_COLUMNS = ["tracking_number", "title", "kind", "status", "category", "region", "department", "submitted_at",
                "dispatched_at", "signed_for_at", "replied_at"]


def rate_rows(rows, labels: dict) -> list[list]:
    table = []
    for rates in rows:
        values = {
            "key_label": labels.get(rates.key, "—"),
            "sign_for_median": rates.sign_for_hours.get("median"), "sign_for_p90": rates.sign_for_hours.get("p90"),
            "reply_median": rates.reply_hours.get("median"), "reply_p90": rates.reply_hours.get("p90"),
        }
        table.append([values[name] if name in values else getattr(rates, name) for name, _label in RATE_COLUMNS])
    return table


def rate_header() -> list[str]:
    return [_(label) for _name, label in RATE_COLUMNS]


def case_row(case) -> list:
    def when(moment):
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""

    return [case.tracking_number, case.title, case.get_kind_display(), case.get_status_display(),
            str(case.category), str(case.region), str(case.lead_department or ""), when(case.submitted_at),
            when(case.dispatched_at), when(case.signed_for_at), when(case.replied_at)]


def write_csv(header: list, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(safe_row(header))
    writer.writerows(safe_row(row) for row in rows)
    # A byte-order mark, so spreadsheet programs read the Chinese correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(header: list, rows, title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(safe_row(header))
    for row in rows:
        sheet.append(safe_row(row))  # openpyxl too writes "=..." text as a formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
