"""Keyset (cursor) pagination over (created_at, id), newest first.

A cursor names the last row shown, so pages never skip or repeat a post however many
new posts arrive meanwhile, and page 1,000 costs what page 1 costs.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Q, QuerySet


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True)
class Page:
    items: list
    next_cursor: str | None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None


def cursor_encode(created_at: datetime, pk: int) -> str:
    micros = int(created_at.timestamp() * 1_000_000)
    return f"{micros}_{pk}"


def cursor_decode(cursor: str) -> tuple[datetime, int]:
    try:
        micros, pk = cursor.split("_")
        moment = datetime.fromtimestamp(int(micros) / 1_000_000, tz=UTC)
        pk = int(pk)
    except (ValueError, OverflowError, OSError):
        raise InvalidCursor(cursor) from None
    if pk < 0 or len(cursor) > 40:
        raise InvalidCursor(cursor)
    return moment, pk


def keyset_page(
    qs: QuerySet,
    cursor: str | None,
    size: int,
    *,
    time_field: str = "created_at",
    oldest_first: bool = False,
) -> Page:
    """One page of `qs` (newest first, or oldest first) after `cursor`, and the cursor
    of the next page."""
    sign, after = ("", "gt") if oldest_first else ("-", "lt")
    qs = qs.order_by(f"{sign}{time_field}", f"{sign}pk")
    if cursor:
        moment, pk = cursor_decode(cursor)
        # The first condition is implied by the second; PostgreSQL uses it as the index
        # bound, so the scan starts at the cursor instead of filtering every newer row
        # (page 1,000 of Latest read 32,570 rows: 24 ms, page 1 none).
        qs = qs.filter(**{f"{time_field}__{after}e": moment}).filter(
            Q(**{f"{time_field}__{after}": moment}) | Q(**{time_field: moment, f"pk__{after}": pk})
        )
    rows = list(qs[: size + 1])
    items = rows[:size]
    next_cursor = None
    if len(rows) > size:
        last = items[-1]
        next_cursor = cursor_encode(getattr(last, time_field), last.pk)
    return Page(items=items, next_cursor=next_cursor)


def score_cursor_decode(cursor: str) -> tuple[datetime, float, int]:
    """A ranked feed's cursor: the moment the ranking was taken, the last score, its id."""
    try:
        micros, score, pk = cursor.split("_")
        moment = datetime.fromtimestamp(int(micros) / 1_000_000, tz=UTC)
        score, pk = float(score), int(pk)
    except (ValueError, OverflowError, OSError):
        raise InvalidCursor(cursor) from None
    if pk < 0 or len(cursor) > 60 or score != score:  # NaN is not a score
        raise InvalidCursor(cursor)
    return moment, score, pk


def score_page(qs: QuerySet, cursor: str | None, size: int, *, now: datetime) -> Page:
    """One page of `qs`, annotated with `score` and ordered by (-score, -pk), after
    `cursor`. The ranking moment `now` travels in the cursor so later pages are cut
    from the same ranking as the first."""
    if cursor:
        _moment, score, pk = score_cursor_decode(cursor)
        qs = qs.filter(Q(score__lt=score) | Q(score=score, pk__lt=pk))
    rows = list(qs[: size + 1])
    items = rows[:size]
    next_cursor = None
    if len(rows) > size:
        last = items[-1]
        micros = int(now.timestamp() * 1_000_000)
        next_cursor = f"{micros}_{last.score!r}_{last.pk}"
    return Page(items=items, next_cursor=next_cursor)
