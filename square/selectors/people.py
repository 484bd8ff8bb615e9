"""Who follows whom: the followers and following lists, and follow-button state."""

from django.db.models import QuerySet

from square.models import Follow, User
from square.selectors.feeds import fetch_mode


def followers_of(*, user: User) -> QuerySet:
    """Follow rows into `user`, newest first, with the follower loaded."""
    qs = Follow.objects.filter(followee=user).select_related("follower")
    return qs.fetch_mode(fetch_mode())


def following_of(*, user: User) -> QuerySet:
    """Follow rows out of `user`, newest first, with the followee loaded."""
    qs = Follow.objects.filter(follower=user).select_related("followee")
    return qs.fetch_mode(fetch_mode())


def following_ids(*, viewer, users) -> set[int]:
    """Which of `users` the viewer follows, in one query (for the buttons on a list)."""
    if viewer is None or not viewer.is_authenticated:
        return set()
    ids = [u.pk for u in users]
    if not ids:
        return set()
    qs = Follow.objects.filter(follower=viewer, followee_id__in=ids)
    return set(qs.values_list("followee_id", flat=True))
