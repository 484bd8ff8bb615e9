"""Template context shared by every page."""

from django.utils.functional import SimpleLazyObject

from square.models import Notification


def notifications(request):
    """The header's unread badge ("", "7", "99+"): counted only when a template shows it,
    and never past 100, so a very popular account does not pay for a big count."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def badge() -> str:
        n = Notification.objects.filter(recipient=user, read_at__isnull=True)[:100].count()
        return "" if n == 0 else "99+" if n > 99 else str(n)

    return {"unread_badge": SimpleLazyObject(badge)}
