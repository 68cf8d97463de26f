"""django-simple-history, as every model here records its history."""

import functools

from simple_history.manager import HistoryManager
from simple_history.models import HistoricalRecords


class ReusedHistoryManager(HistoryManager):
    """simple-history's manager, its class built once. `instance.history`
    (read for every record it writes) built a new manager class on each
    access: a third of the CPU of writing a case's history row."""

    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)


def history_records(**options) -> HistoricalRecords:
    return HistoricalRecords(history_manager=ReusedHistoryManager, **options)
