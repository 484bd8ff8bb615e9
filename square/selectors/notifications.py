"""The notifications page: events grouped by `group_key`, newest group first."""

from django.db.models import Count, Max, Q

from square.models import Notification, User
from square.notifications import NoticeGroup
from square.pagination import Page, cursor_decode, cursor_encode
from square.project.caching import cache_get, cache_set_many
from square.selectors.feeds import fetch_mode


def notification_page(*, user: User, cursor: str | None, size: int) -> Page:
    """One page of notice groups in 2 queries: the groups (with their size and whether
    any event is unread), then the latest event of each with who and what it was about.

    Groups are keyset-paginated by their latest event, like every other list.
    """
    groups = (
        Notification.objects.filter(recipient=user)
        .values("kind", "group_key")
        .annotate(
            last_at=Max("created_at"),
            last_id=Max("id"),
            actors=Count("actor", distinct=True),
            unread=Count("id", filter=Q(read_at__isnull=True)),
        )
        .order_by("-last_at", "-last_id")
    )
    if cursor:
        moment, pk = cursor_decode(cursor)
        groups = groups.filter(Q(last_at__lt=moment) | Q(last_at=moment, last_id__lt=pk))
    rows = list(groups[: size + 1])
    shown = rows[:size]
    latest = (
        Notification.objects.filter(pk__in=[r["last_id"] for r in shown])
        .select_related("actor", "post", "comment")
        .fetch_mode(fetch_mode())
        .in_bulk()
    )
    items = [
        NoticeGroup(latest=latest[r["last_id"]], actors=max(r["actors"], 1), unread=r["unread"] > 0)
        for r in shown
    ]
    next_cursor = None
    if len(rows) > size:
        next_cursor = cursor_encode(shown[-1]["last_at"], shown[-1]["last_id"])
    return Page(items=items, next_cursor=next_cursor)


UNREAD_CAP = 100
UNREAD_SECONDS = 60  # a bound on a race between a count and a change, nothing more


def unread_key(user_id: int) -> str:
    return f"square:unread:{user_id}"


def unread_badge(*, user: User) -> str:
    """The header's unread badge ("", "7", "99+"), on every page of a signed-in member:
    counted at most to 100, and kept in the cache until a notice arrives, is withdrawn
    or is read (`square.services.notifications` forgets it), so browsing costs no query."""
    key = unread_key(user.pk)
    shown = cache_get(key)
    if shown is None:
        n = Notification.objects.filter(recipient=user, read_at__isnull=True)[:UNREAD_CAP].count()
        shown = "" if n == 0 else "99+" if n >= UNREAD_CAP else str(n)
        cache_set_many({key: shown}, UNREAD_SECONDS)
    return shown
