"""The notifications page. Opening it marks everything read."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from square import selectors
from square.services.notifications import notifications_mark_read
from square.views.common import next_url


@login_required
@require_GET
def index(request):
    page = selectors.notification_page(
        user=request.user, cursor=request.GET.get("cursor"), size=settings.SQUARE_FEED_PAGE_SIZE
    )
    # The page was read with its "new" marks; from now on they are read.
    notifications_mark_read(user=request.user)
    context = {
        "page": page,
        "unread_badge": "",  # just marked read: no need to count again
        "next_url": next_url(request, page.next_cursor) if page.has_next else "",
    }
    return render(request, "square/notifications.html", context)
