"""The columns of a comment export: one list for CSV and XLSX alike, each
heading beside how its value is read."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


# Labels marked for translation here, translated when the file is written
# in the language of whoever asked for it.
COMMENT_COLUMNS = [
    (gettext_noop("comment"), lambda comment: comment.pk),
    (gettext_noop("section"), lambda comment: comment.section.number if comment.section_id else ""),
    (gettext_noop("stance"), lambda comment: comment.get_stance_display()),
    (gettext_noop("group"), lambda comment: comment.group_id or ""),
    (gettext_noop("comments in the group"), lambda comment: comment.group.size if comment.group_id else ""),
    (gettext_noop("moderation"), lambda comment: comment.get_moderation_display()),
    (gettext_noop("time submitted"), lambda comment: _when(comment.submitted_at)),
    (gettext_noop("time edited"), lambda comment: _when(comment.edited_at)),
    # A flood's comments stay in the export, marked, so the department sees what was set aside.
    (gettext_noop("time invalidated"), lambda comment: _when(comment.invalidated_at)),
    (gettext_noop("quoted passage"), lambda comment: comment.quote),
    (gettext_noop("text"), lambda comment: comment.body),
]


def comment_header() -> list[str]:
    return [_(label) for label, _value in COMMENT_COLUMNS]


def comment_row(comment) -> list:
    return [value(comment) for _label, value in COMMENT_COLUMNS]
