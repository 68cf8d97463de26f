"""One paginator for every list page, and a bounded one for lists too long
to count on every request (the department inbox, the public cases)."""

from collections.abc import Sequence

from django.core.paginator import Paginator

PAGE_SIZE = 25
# A bounded list counts its rows up to this many and says "more than" past
# it. Counting stops after COUNT_LIMIT + 1 index entries, so the count costs
# the same for a department with 900 cases as for one with 900,000.
COUNT_LIMIT = 1000


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


# Past any real list (25 x 1,000,000 rows); a bigger number would only make
# the database skip rows, or overflow its OFFSET.
MAX_PAGE = 1_000_000


def page_number(value) -> int:
    """The page asked for; 1 for anything that is not a positive number."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGE)


class BoundedPage(Sequence):
    """A page of a list whose size is known exactly only up to a limit:
    `count` is the number of rows counted (at most `limit`), `count_exact`
    whether that is all of them. Whether a next page exists comes from
    reading one row past this page, so "Next" works however long the list.
    `num_pages` is exact when the count is, else the pages counted so far.
    The methods are django.core.paginator.Page's, for templates and DRF."""

    def __init__(self, rows: list, *, number: int, per_page: int, counted: int, limit: int) -> None:
        self._has_next = len(rows) > per_page
        self.object_list = rows[:per_page]
        self.number = number
        self.per_page = per_page
        self.count_exact = counted <= limit
        self.count = min(counted, limit)
        self.num_pages = max(-(-self.count // per_page), 1)

    def __len__(self) -> int:
        return len(self.object_list)

    def __getitem__(self, index):
        return self.object_list[index]

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_previous() or self.has_next()

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1

    def __repr__(self) -> str:
        counted = f"{self.count}" if self.count_exact else f"more than {self.count}"
        return f"<BoundedPage {self.number}: {len(self)} rows of {counted}>"


def paginate_bounded(queryset, number, *, per_page: int | None = None, limit: int | None = None) -> BoundedPage:
    """Two queries whatever the list's length: a count that stops after
    `limit` + 1 rows (default COUNT_LIMIT), and the page of `per_page` rows
    (default PAGE_SIZE) with one row more. A page past the end of a counted
    list shows the last page, as `paginate` does; past the end of an
    uncounted one it is empty (only a hand-made URL gets there)."""
    per_page = per_page or PAGE_SIZE
    limit = COUNT_LIMIT if limit is None else limit
    number = page_number(number)
    # Any order counts the same, and costs less; no column but the key (a search rank is not worked out).
    counted = queryset.order_by().values("pk")[: limit + 1].count()
    if counted <= limit:
        number = min(number, max(-(-counted // per_page), 1))
    start = (number - 1) * per_page
    rows = list(queryset[start:start + per_page + 1])
    return BoundedPage(rows, number=number, per_page=per_page, counted=counted, limit=limit)
