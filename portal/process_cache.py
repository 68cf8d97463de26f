"""Small, rarely changed tables (the working calendar, the deadline
policies) read once per process instead of once per use.

The value is reloaded when `forget()` is called (connect it to the model's
post_save and post_delete signals: the process that made the change sees it
at once), when the settings it depends on change, and after `seconds`, so
other processes see an administrator's change within that time."""

import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class ProcessCache(Generic[Value]):
    def __init__(self, load: Callable[[], Value], *, seconds: float,
                 depends_on: Callable[[], Hashable] = lambda: None) -> None:
        self._load = load
        self._seconds = seconds
        self._depends_on = depends_on
        # (value, what it depended on, monotonic expiry), replaced as one
        # tuple so that a reader never sees half of a reload.
        self._cached: tuple[Value, Hashable, float] | None = None

    def get(self) -> Value:
        depends_on = self._depends_on()
        cached = self._cached
        if cached is None or cached[1] != depends_on or cached[2] < time.monotonic():
            cached = self._cached = (self._load(), depends_on, time.monotonic() + self._seconds)
        return cached[0]

    def forget(self, **_signal_kwargs) -> None:
        self._cached = None


def forget_when_changed(forget: Callable[..., None], *models, name: str) -> None:
    """Connect `forget` (a cache's drop function) to each model's post_save
    and post_delete, so an administrator's edit is seen at once."""
    from django.db.models.signals import post_delete, post_save

    for model in models:
        post_save.connect(forget, sender=model, dispatch_uid=f"{name}.{model.__name__}.saved")
        post_delete.connect(forget, sender=model, dispatch_uid=f"{name}.{model.__name__}.deleted")
