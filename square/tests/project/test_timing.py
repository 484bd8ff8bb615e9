"""The Server-Timing header `make bench` reads (square.project.timing): off unless asked
for; on, it splits a request's time into the whole, the view and the queries."""

import re

import pytest
from django.test import Client

from square.services.posts import post_create
from square.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_off_by_default(client):
    assert "Server-Timing" not in client.get("/?tab=latest")


def test_on_it_splits_the_time(settings):
    # As the settings do with SQUARE_SERVER_TIMING on: outermost and innermost.
    settings.MIDDLEWARE = [
        "square.project.timing.ServerTimingMiddleware",
        *settings.MIDDLEWARE,
        "square.project.timing.ViewTimingMiddleware",
    ]
    post_create(author=UserFactory(), body="timed")
    response = Client().get("/?tab=latest")  # a new client: the middleware is set up anew
    parts = dict(re.findall(r"(\w+);dur=([\d.]+)", response["Server-Timing"]))
    total, view, db = (float(parts[k]) for k in ("total", "view", "db"))
    assert total >= view >= db > 0
