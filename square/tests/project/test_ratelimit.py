"""Per-user rate limits: a fixed window per action and person, counted in the cache."""

import types

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation

from square.project import ratelimit
from square.project.ratelimit import RateLimited, rate_limit_hit, rate_limited

pytestmark = pytest.mark.django_db

LIMITS = {"post": (3, 3600), "comment": (4, 3600), "like": (5, 600), "follow": (2, 60)}


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.SQUARE_RATE_LIMITS = LIMITS


@pytest.fixture
def clock(monkeypatch):
    """The time the rate limiter sees, set by the test (other code keeps the real clock)."""
    now = {"t": 1_750_000_000.0 - 1_750_000_000.0 % 3600}  # the start of an hour bucket

    def time() -> float:
        return now["t"]

    monkeypatch.setattr(ratelimit, "time", types.SimpleNamespace(time=time))
    return now


def hits_allowed(action: str, user_id: int, attempts: int = 20) -> int:
    """Attempt `action` until refused; how many got through."""
    for n in range(attempts):
        try:
            rate_limit_hit(action=action, user_id=user_id)
        except RateLimited:
            return n
    return attempts


@pytest.mark.parametrize("action", sorted(LIMITS))
def test_exactly_the_limit_is_allowed(action, clock):
    limit = LIMITS[action][0]
    for _ in range(limit):
        rate_limit_hit(action=action, user_id=1)
    with pytest.raises(RateLimited) as exc:
        rate_limit_hit(action=action, user_id=1)
    assert (exc.value.action, exc.value.limit, exc.value.window) == (action, *LIMITS[action])
    with pytest.raises(RateLimited):  # and it stays refused for the rest of the window
        rate_limit_hit(action=action, user_id=1)


def test_people_and_actions_are_counted_separately(clock):
    assert hits_allowed("like", user_id=1) == 5
    assert hits_allowed("like", user_id=2) == 5
    assert hits_allowed("post", user_id=1) == 3
    assert hits_allowed("comment", user_id=1) == 4
    assert hits_allowed("follow", user_id=1) == 2


def test_the_message_names_the_limit_and_the_window(clock):
    hits_allowed("post", user_id=1)
    with pytest.raises(RateLimited) as exc, translation.override("en"):
        rate_limit_hit(action="post", user_id=1)
    with translation.override("en"):
        message = exc.value.message
    assert "at most 3 times in 60 minutes" in message


def test_a_window_under_a_minute_reads_as_one_minute(settings, clock):
    settings.SQUARE_RATE_LIMITS = {**LIMITS, "follow": (2, 30)}
    hits_allowed("follow", user_id=1)
    with pytest.raises(RateLimited) as exc:
        rate_limit_hit(action="follow", user_id=1)
    with translation.override("en"):
        assert "at most 2 times in 1 minute" in exc.value.message


def test_the_next_window_starts_afresh(clock):
    assert hits_allowed("post", user_id=1) == 3
    clock["t"] += 3599  # the last second of the same window: still refused
    with pytest.raises(RateLimited):
        rate_limit_hit(action="post", user_id=1)
    clock["t"] += 1  # the next window
    assert hits_allowed("post", user_id=1) == 3
    clock["t"] += 3600 * 5
    assert hits_allowed("post", user_id=1) == 3


def test_windows_are_per_action(clock):
    assert hits_allowed("follow", user_id=1) == 2  # a 60 s window
    assert hits_allowed("post", user_id=1) == 3  # a 3600 s window
    clock["t"] += 60
    assert hits_allowed("follow", user_id=1) == 2
    with pytest.raises(RateLimited):
        rate_limit_hit(action="post", user_id=1)


def test_an_unknown_action_is_a_programming_error(clock):
    with pytest.raises(KeyError):
        rate_limit_hit(action="teleport", user_id=1)


# --- the view decorator ---------------------------------------------------------------------


def limited_view():
    calls = []

    @rate_limited("follow")
    def view(request):
        calls.append(request.method)
        return HttpResponse("ok")

    return view, calls


def test_the_decorator_counts_posts_by_signed_in_members(user, clock):
    view, calls = limited_view()
    for _ in range(2):
        request = RequestFactory().post("/")
        request.user = user
        assert view(request).status_code == 200
    request = RequestFactory().post("/")
    request.user = user
    with pytest.raises(RateLimited):
        view(request)
    assert calls == ["POST", "POST"]  # the refused request never reached the view


def test_the_decorator_ignores_reads_and_visitors(user, clock):
    view, calls = limited_view()
    for _ in range(5):
        request = RequestFactory().get("/")
        request.user = user
        view(request)
        request = RequestFactory().post("/")
        request.user = AnonymousUser()
        view(request)
    assert len(calls) == 10
