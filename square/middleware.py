"""Refuse requests whose URL carries a NUL character, before any view or query runs.

PostgreSQL cannot store or even compare text containing NUL (it raises DataError), so a
`%00` in a path or query string would otherwise turn into a 500 wherever the value
reaches a lookup. Forms already refuse NUL in submitted fields with a message.
"""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

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


class RateLimitMiddleware:
    """Answer a RateLimited raised by any view with HTTP 429 and a clear message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, RateLimited):
            return None
        if wants_json(request):
            return JsonResponse({"error": exception.message}, status=429)
        context = {"message": exception.message}
        return render(request, "square/error.html", context, status=429)
