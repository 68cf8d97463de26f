"""Who hears of a clock that runs on something other than a case (a
consultation's feedback report, a misconduct report's verification): the app
that owns the subject registers, for its clock kind, the function that sends
the reminder, breach and second-level notices the scan raises."""

from collections.abc import Callable

_notifiers: dict[str, Callable] = {}


def register(kind: str, notifier: Callable) -> None:
    """`notifier(clock=..., event=...)` records the notices for one clock and
    returns the notification keys to e-mail after commit (notifications.notify)."""
    _notifiers[kind] = notifier


def notify_subject(*, clock, event) -> list[str]:
    notifier = _notifiers.get(clock.kind)
    return list(notifier(clock=clock, event=event)) if notifier else []
