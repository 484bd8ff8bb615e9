"""Where a request's time goes, in a `Server-Timing` header (SQUARE_SERVER_TIMING on,
as `make bench` runs the server): `total` from the first middleware to the response,
`view` from the last middleware into the view and back (the view's Python, its
queries and its template rendering), `db` the queries alone. Middleware is total minus
view; the view's own Python and rendering are view minus db.

Off by default (the settings add both middlewares only then): it costs a clock reading
per query, and tells anyone how long the database took."""

import time
from contextvars import ContextVar

from django.db import connection

_db: ContextVar[list[float] | None] = ContextVar("square_db_seconds", default=None)


def _count_query(execute, sql, params, many, context):
    spent = _db.get()
    start = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        if spent is not None:
            spent[0] += time.perf_counter() - start


class ServerTimingMiddleware:
    """Outermost: the request's total and its queries' time."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        spent = [0.0]
        token = _db.set(spent)
        start = time.perf_counter()
        try:
            with connection.execute_wrapper(_count_query):
                response = self.get_response(request)
        finally:
            _db.reset(token)
        total = (time.perf_counter() - start) * 1000
        view = getattr(request, "_square_view_ms", 0.0)
        response["Server-Timing"] = (
            f"total;dur={total:.2f}, view;dur={view:.2f}, db;dur={spent[0] * 1000:.2f}"
        )
        return response


class ViewTimingMiddleware:
    """Innermost: the view (with its queries and rendering), for the header above."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()  # a TemplateResponse renders here, not later
        request._square_view_ms = (time.perf_counter() - start) * 1000
        return response
