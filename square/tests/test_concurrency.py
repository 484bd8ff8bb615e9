"""Concurrency on the square: simultaneous likes, sign-ups, failed logins and floods,
each in threads released together by a barrier, with real transactions on PostgreSQL
and a real Redis for the counts that must hold across app servers."""

import threading
import types

import pytest
import redis
from django.contrib.auth import forms as auth_forms
from django.test import Client

from square import login_throttle
from square.login_throttle import MAX_FAILURES
from square.models import Like, Post, User
from square.project import ratelimit
from square.project.ratelimit import RateLimited, rate_limit_hit
from square.services.interactions import like_create, like_delete
from square.tests.factories import PASSWORD, PostFactory, UserFactory
from square.tests.parallel import needs_postgresql, redis_cache, run_together

__all__ = ["redis_cache"]  # a fixture, used by name

WRONG = "Please enter a correct username and password"
LOCKED = "Too many failed attempts to log in"


@pytest.fixture
def frozen_rate_clock(monkeypatch):
    """The rate limiter's clock stays inside one window, so no flood straddles two."""
    start = 1_750_000_000.0 - 1_750_000_000.0 % 3600
    monkeypatch.setattr(ratelimit, "time", types.SimpleNamespace(time=lambda: start + 60))


# --- likes ------------------------------------------------------------------------------


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_likes_count_fifty():
    post = PostFactory()
    fans = [UserFactory() for _ in range(50)]

    def like(fan: User) -> None:
        like_create(user=fan, post=post)
        like_create(user=fan, post=post)  # a double click changes nothing

    run_together(like, fans)
    assert Post.objects.get(pk=post.pk).like_count == 50
    assert Like.objects.filter(post=post).count() == 50


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_likes_and_unlikes_at_once_leave_the_count_exact():
    post = PostFactory()
    leaving = [UserFactory() for _ in range(15)]
    for fan in leaving:
        like_create(user=fan, post=post)
    arriving = [UserFactory() for _ in range(15)]
    acts = [(like_delete, fan) for fan in leaving] + [(like_create, fan) for fan in arriving]

    run_together(lambda act: act[0](user=act[1], post=post), acts)
    assert set(Like.objects.filter(post=post).values_list("user_id", flat=True)) == {
        fan.pk for fan in arriving
    }
    assert Post.objects.get(pk=post.pk).like_count == 15


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_one_persons_simultaneous_clicks_make_one_like():
    post, fan = PostFactory(), UserFactory()
    created = run_together(lambda _n: like_create(user=fan, post=post), range(8))
    assert sorted(created) == [False] * 7 + [True]
    assert Post.objects.get(pk=post.pk).like_count == 1
    assert Like.objects.filter(post=post).count() == 1


# --- sign-up ----------------------------------------------------------------------------


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_sign_ups_of_one_name_at_once_make_one_account_and_no_500(monkeypatch, english):
    """Both requests pass every check (the pause makes sure) before either inserts:
    the database's unique index decides, and the loser hears the name is taken."""
    real_clean, paused, gate = User.full_clean, [], threading.Barrier(2)

    def full_clean_then_wait(self, *args, **kwargs):
        real_clean(self, *args, **kwargs)
        if not args and not kwargs:  # user_create's last check (the form passes options)
            paused.append(self.username)
            gate.wait(timeout=60)

    monkeypatch.setattr(User, "full_clean", full_clean_then_wait)

    def sign_up(name: str):
        client = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="10.9.0.1")
        data = {"username": name, "password1": PASSWORD, "password2": PASSWORD}
        return client.post("/accounts/signup/", data)

    responses = run_together(sign_up, ["newbie", "NewBie"])
    assert sorted(paused) == ["NewBie", "newbie"]  # both got past every check
    assert sorted(r.status_code for r in responses) == [200, 302]
    refused = next(r for r in responses if r.status_code == 200)
    assert "This username is already taken." in refused.content.decode()
    assert User.objects.filter(username__iexact="newbie").count() == 1


# --- login throttle and rate limits on a shared Redis -----------------------------------


@pytest.fixture
def password_checks(monkeypatch):
    """Every password the login forms actually check (thread-safe: list.append)."""
    checked: list[str] = []
    real = auth_forms.authenticate

    def counting(request=None, **credentials):
        checked.append(credentials.get("username"))
        return real(request, **credentials)

    monkeypatch.setattr(auth_forms, "authenticate", counting)
    return checked


@needs_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("one_account", [True, False], ids=["one-account", "one-address"])
def test_parallel_guesses_check_only_five_passwords(redis_cache, password_checks, one_account):
    """16 guesses at once, at one account from 16 addresses or from one address at 16
    accounts: exactly five passwords are checked, the rest are refused unread."""
    UserFactory(username="alice")
    guesses = 16

    def guess(n: int):
        account, ip = ("alice", f"10.1.0.{n}") if one_account else (f"guess{n}", "10.2.0.1")
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        data = {"username": account, "password": f"wrong-{n}"}
        return client.post("/accounts/login/", data, REMOTE_ADDR=ip)

    responses = run_together(guess, range(guesses))
    pages = [r.content.decode() for r in responses]
    assert len(password_checks) == MAX_FAILURES
    assert sum(WRONG in page for page in pages) == MAX_FAILURES
    unread = [r for r, page in zip(responses, pages, strict=True) if WRONG not in page]
    assert len(unread) == guesses - MAX_FAILURES
    assert all(r.status_code == 429 and LOCKED in r.content.decode() for r in unread)
    assert {r.status_code for r in responses} <= {200, 429}
    # and the right password is refused now, from a new address too
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    right = {"username": "alice", "password": PASSWORD}
    refused = client.post("/accounts/login/", right, REMOTE_ADDR="10.3.0.1")
    if one_account:
        assert refused.status_code == 429 and "_auth_user_id" not in client.session
    else:  # the address is locked, the account is not
        assert refused.status_code == 302


@pytest.mark.parametrize("action", ["like", "signup"])
def test_a_parallel_flood_gets_exactly_the_limit(redis_cache, settings, frozen_rate_clock, action):
    """40 threads × 5 hits at one limit of 30: exactly 30 pass, from every thread's view."""
    settings.SQUARE_RATE_LIMITS = {**settings.SQUARE_RATE_LIMITS, action: (30, 3600)}
    who = {"user_id": 7} if action == "like" else {"address": "198.51.100.7"}

    def flood(_n: int) -> int:
        passed = 0
        for _ in range(5):
            try:
                rate_limit_hit(action=action, **who)
                passed += 1
            except RateLimited:
                pass
        return passed

    assert sum(run_together(flood, range(40))) == 30


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_parallel_like_requests_over_the_limit_get_429(redis_cache, settings, frozen_rate_clock):
    settings.SQUARE_RATE_LIMITS = {**settings.SQUARE_RATE_LIMITS, "like": (4, 3600)}
    fan, posts = UserFactory(), [PostFactory() for _ in range(12)]
    clients = []
    for post in posts:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(fan)
        clients.append((client, post))

    def like(pair):
        client, post = pair
        return client.post(f"/posts/{post.pk}/like/", HTTP_ACCEPT="application/json")

    responses = run_together(like, clients)
    assert sorted(r.status_code for r in responses) == [200] * 4 + [429] * 8
    assert Like.objects.filter(user=fan).count() == 4
    assert all("too often" in r.json()["error"] for r in responses if r.status_code == 429)


# --- a Redis key that expires inside Django's incr ---------------------------------------


@pytest.fixture
def expiring_incr(monkeypatch):
    """Django's RedisCache.incr checks EXISTS, then INCRs: make the key expire right
    between the two, as a window ending at that instant would."""
    real = redis.Redis.incrby

    def incr_after_expiry(self, name, amount=1):
        self.delete(name)
        return real(self, name, amount)

    monkeypatch.setattr(redis.Redis, "incr", incr_after_expiry)


def _ttl(cache, key: str) -> int:
    client = cache._cache.get_client(cache.make_and_validate_key(key), write=False)
    return client.ttl(cache.make_and_validate_key(key))


def test_a_login_count_reborn_inside_incr_still_expires(redis_cache, expiring_incr):
    login_throttle.attempt_begin(username="alice", ip="10.4.0.1")  # add: a fresh window
    login_throttle.attempt_begin(username="alice", ip="10.4.0.1")  # incr finds it expired
    for key in login_throttle._keys("alice", "10.4.0.1"):
        assert redis_cache.get(key) == 1
        assert 0 < _ttl(redis_cache, key) <= login_throttle.WINDOW_SECONDS
        assert 0 < _ttl(redis_cache, f"{key}:since") <= login_throttle.WINDOW_SECONDS


def test_a_rate_count_reborn_inside_incr_still_expires(redis_cache, expiring_incr, settings):
    settings.SQUARE_RATE_LIMITS = {**settings.SQUARE_RATE_LIMITS, "like": (30, 3600)}
    rate_limit_hit(action="like", user_id=3)
    rate_limit_hit(action="like", user_id=3)
    key = ratelimit._key("like", 3, None)
    assert redis_cache.get(key) == 1
    assert 0 < _ttl(redis_cache, key) <= 3600 + 5
