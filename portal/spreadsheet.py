"""Cells written to CSV or XLSX files people open in spreadsheet programs.

A cell starting with =, +, -, @ (or a tab or carriage return) is read as a
formula by Excel, LibreOffice and others: a public case titled
"=HYPERLINK(...)" would run in the reader's spreadsheet. Such text gets a
leading single quote, which makes the program show it as text."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value, with a quote in front if it is text a spreadsheet would
    read as a formula. Numbers (a negative rate too) are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_cell(value) for value in values]
