"""Template context shared by every page."""

from django.utils.functional import SimpleLazyObject

from square.selectors.notifications import unread_badge


def notifications(request):
    """The header's unread badge ("", "7", "99+"): read only when a template shows it
    (`selectors.notifications.unread_badge`)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    return {"unread_badge": SimpleLazyObject(lambda: unread_badge(user=user))}
