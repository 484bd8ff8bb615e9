"""Refuse requests whose URL carries a NUL character, before any view or query runs.

PostgreSQL cannot store or even compare text containing NUL (it raises DataError), so a
`%00` in a path or query string would otherwise turn into a 500 wherever the value
reaches a lookup. Forms already refuse NUL in submitted fields with a message.
"""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from square.pagination import InvalidCursor
from square.ratelimit import RateLimited


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()
        ):
            message = _("The address contains a NUL character, which is not allowed.")
            return render(request, "square/error.html", {"message": message}, status=400)
        return self.get_response(request)


def wants_json(request) -> bool:
    """The page's script asks for JSON; a plain form post gets a page."""
    return "application/json" in request.headers.get("Accept", "")


class PoliteErrorsMiddleware:
    """Answer the expected failures of any view with a clear message instead of a 500:
    a broken page link (InvalidCursor) with 400, too many actions (RateLimited) with 429.
    Views just page and act; this is the one place that phrases the refusal."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RateLimited):
            message, status = exception.message, 429
        elif isinstance(exception, InvalidCursor):
            message, status = _("That page link is broken. Start again from the top."), 400
        else:
            return None
        if wants_json(request):
            return JsonResponse({"error": message}, status=status)
        return render(request, "square/error.html", {"message": message}, status=status)
