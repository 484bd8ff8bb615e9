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
    qs: QuerySet, cursor: str | None, size: int, *, time_field: str = "created_at"
) -> Page:
    """One page of `qs` (newest first) after `cursor`, and the cursor of the next page."""
    qs = qs.order_by(f"-{time_field}", "-pk")
    if cursor:
        moment, pk = cursor_decode(cursor)
        qs = qs.filter(Q(**{f"{time_field}__lt": moment}) | Q(**{time_field: moment, "pk__lt": pk}))
    rows = list(qs[: size + 1])
    items = rows[:size]
    next_cursor = None
    if len(rows) > size:
        last = items[-1]
        next_cursor = cursor_encode(getattr(last, time_field), last.pk)
    return Page(items=items, next_cursor=next_cursor)
