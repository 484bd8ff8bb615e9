"""The notifications page. Opening it only shows; marking read is a POST (the page's
button, which the page's script presses once the page is shown)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from square import selectors
from square.ids import parse_id
from square.project.middleware import wants_json
from square.selectors.notifications import unread_badge
from square.services.notifications import notifications_mark_read
from square.views.common import bad_request, next_url


@login_required
@require_GET
def index(request):
    """A page of notice groups, with their "new" marks. Nothing is marked read here: a
    GET can come from anywhere (an image tag on another site, a link preview)."""
    page = selectors.notification_page(
        user=request.user, cursor=request.GET.get("cursor"), size=settings.SQUARE_FEED_PAGE_SIZE
    )
    context = {
        "page": page,
        "newest_shown": max((group.latest.pk for group in page.items), default=None),
        "next_url": next_url(request, page.next_cursor) if page.has_next else "",
    }
    return render(request, "square/notifications.html", context)


@login_required
@require_POST
def mark_read(request):
    """Mark read what the page showed (`upto`, the newest notice on it), or everything.
    The script gets the new badge as JSON; a plain form post goes back to the page."""
    upto = request.POST.get("upto", "")
    upto_id = parse_id(upto)  # ASCII digits only (square.ids)
    if upto and upto_id is None:
        message = _("This form is out of date. Please open the page again.")
        if wants_json(request):
            return JsonResponse({"error": message}, status=400)
        return bad_request(request, message)
    notifications_mark_read(user=request.user, upto=upto_id)
    if wants_json(request):
        return JsonResponse({"unread": unread_badge(user=request.user)})
    return redirect("notifications")
