"""Exports of supervision figures and of the cases behind them, as CSV and
XLSX. Small tables are written in the request; a drill-down export of many
cases is written by a Celery task that records its progress, and the page
polls it (see views.export_status)."""

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook

from portal.spreadsheet import safe_row

# Labels marked for translation here and translated when the file is made.
RATE_COLUMNS = [
    ("key_label", gettext_noop("Department")), ("dispatched", gettext_noop("Cases dispatched")),
    ("sign_for_due", gettext_noop("Sign-for due")), ("response_rate", gettext_noop("Response rate %")),
    ("replies_due", gettext_noop("Replies due")), ("on_time_rate", gettext_noop("On-time reply rate %")),
    ("resolution_rate", gettext_noop("Resolution rate %")), ("satisfaction_rate", gettext_noop("Satisfaction rate %")),
    ("return_rate", gettext_noop("Return rate %")), ("reopen_rate", gettext_noop("Reopen rate %")),
    ("overdue", gettext_noop("Overdue")), ("extensions", gettext_noop("Extensions granted")),
    ("sign_for_median", gettext_noop("Sign-for median (h)")), ("sign_for_p90", gettext_noop("Sign-for p90 (h)")),
    ("reply_median", gettext_noop("Reply median (h)")), ("reply_p90", gettext_noop("Reply p90 (h)")),
]


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


# The first column names what the rows are grouped by.
GROUP_LABELS = {"department": gettext_noop("Department"), "category": gettext_noop("Category"),
                "region": gettext_noop("Region")}


def rate_header(group: str = "department") -> list[str]:
    labels = [GROUP_LABELS.get(group, label) if name == "key_label" else label for name, label in RATE_COLUMNS]
    return [_(label) for label in labels]


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


# The drill-down export's columns: each heading beside how its value is read.
CASE_COLUMNS = [
    (gettext_noop("Tracking number"), lambda case: case.tracking_number),
    (gettext_noop("Title"), lambda case: case.title),
    (gettext_noop("Kind"), lambda case: case.get_kind_display()),
    (gettext_noop("Status"), lambda case: case.get_status_display()),
    (gettext_noop("Category"), lambda case: str(case.category)),
    (gettext_noop("Region"), lambda case: str(case.region)),
    (gettext_noop("Department"), lambda case: str(case.lead_department or "")),
    (gettext_noop("Submitted"), lambda case: _when(case.submitted_at)),
    (gettext_noop("Dispatched"), lambda case: _when(case.dispatched_at)),
    (gettext_noop("Signed for"), lambda case: _when(case.signed_for_at)),
    (gettext_noop("Replied"), lambda case: _when(case.replied_at)),
]


def case_header() -> list[str]:
    return [_(label) for label, _value in CASE_COLUMNS]


def case_row(case) -> list:
    return [value(case) for _name, value in CASE_COLUMNS]


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
