"""Answers the views leave to one place: NUL in an address (400), the expected failures
of any view (400, 429), the database going away (503), and a header for every response.

RejectNulMiddleware: PostgreSQL cannot store or even compare text containing NUL (it
raises DataError), so a `%00` in a path or query string would otherwise turn into a 500
wherever the value reaches a lookup. Forms already refuse NUL in submitted fields.
"""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from square.pagination import InvalidCursor
from square.project.caching import request_memo_end, request_memo_start
from square.project.ratelimit import RateLimited

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait before trying again after a 503.
RETRY_AFTER_SECONDS = 30


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


class DatabaseUnavailableMiddleware:
    """The database went away (restarting, failing over, unreachable, the pool empty):
    answer 503 with `Retry-After` and a page in the site's layout, not a 500 traceback.

    The page is rendered without the request's context processors and without the
    session or the user (each would query the database that just failed); the header
    shows the logged-out links. The transaction of the failed request was rolled back
    by its `atomic` block, and Django drops the broken connection at the end of the
    request, so the next request gets a fresh one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error(
            "Database unavailable: %s %s answered 503",
            request.method,
            request.path,
            exc_info=exception,
        )
        message = _(
            "Square cannot reach its database for a moment. Please try again in a minute; "
            "if you were sending something, it may not have been saved."
        )
        if wants_json(request):
            response = JsonResponse({"error": message}, status=503)
        else:
            context = {
                "message": message,
                "request": request,
                "csrf_token": get_token(request),
                "csp_nonce": get_nonce(request),
            }
            response = HttpResponse(render_to_string("503.html", context), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


class RequestMemoMiddleware:
    """A memo of shared values for the length of one request (`caching.cache_get_once`):
    the versions that several parts of a page check are read from Redis once, not once
    per part. Outside a request nothing is memoised."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_memo_start()
        try:
            return self.get_response(request)
        finally:
            request_memo_end(token)


class PermissionsPolicyMiddleware:
    """`Permissions-Policy` on every response: the browser features no page uses
    (camera, microphone, geolocation, …) are off for the site and anything it embeds.
    WhiteNoise answers static files before this runs; settings give it the same header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
