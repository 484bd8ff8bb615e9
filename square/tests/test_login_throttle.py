"""Login throttling: at most 5 failed logins per account and per address in 15 minutes,
counted in the cache; then a clear refusal with the minutes left, even for the right
password. A successful login is not counted."""

import time

import pytest
from django.test import RequestFactory

from square import login_throttle
from square.login_throttle import MAX_FAILURES, WINDOW_SECONDS, client_ip
from square.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
LOCKED = "Too many failed attempts to log in"
WRONG = "Please enter a correct username and password"


@pytest.fixture(autouse=True)
def _in_english(english, client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def clock(monkeypatch):
    """Move the clock (the throttle's and the cache's expiry) forward by `seconds`."""
    real, offset = time.time, {"s": 0.0}
    monkeypatch.setattr(time, "time", lambda: real() + offset["s"])

    def advance(seconds: float) -> None:
        offset["s"] += seconds

    return advance


def attempt(client, username="alice", password="wrong-password", ip="10.0.0.1", url=LOGIN, **kw):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip, **kw)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, times=MAX_FAILURES, **kw):
    for _ in range(times):
        response = attempt(client, **kw)
        assert response.status_code in (200, 429)
        assert not logged_in(client)


def test_the_limits_are_five_in_fifteen_minutes():
    assert (MAX_FAILURES, WINDOW_SECONDS) == (5, 900)


def test_four_failures_then_the_right_password_logs_in(client, user):
    fail(client, times=MAX_FAILURES - 1)
    response = attempt(client, password=PASSWORD)
    assert response.status_code == 302 and logged_in(client)


def test_the_fifth_failure_says_the_password_was_wrong_and_logging_in_is_paused(client, user):
    fail(client, times=MAX_FAILURES - 1)
    response = attempt(client)
    assert response.status_code == 429
    html = response.content.decode()
    assert WRONG in html
    assert f"{LOCKED}: for your safety, logging in is paused. " in html
    assert "Please try again in 15 minutes." in html


def test_the_sixth_attempt_is_refused_even_with_the_right_password(client, user):
    fail(client)
    response = attempt(client, password=PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert LOCKED in html and "try again in 15 minutes" in html
    assert WRONG not in html  # the password was not even checked
    assert not logged_in(client)
    assert 'role="alert"' in html  # shown on the form, as its error


def test_the_message_counts_down_the_minutes_left(client, user, clock):
    fail(client)
    clock(10 * 60 + 1)
    html = attempt(client, password=PASSWORD).content.decode()
    assert "try again in 5 minutes" in html
    clock(4 * 60 + 30)
    html = attempt(client, password=PASSWORD).content.decode()
    assert "try again in 1 minute." in html


def test_after_the_window_the_right_password_works_again(client, user, clock):
    fail(client)
    clock(WINDOW_SECONDS - 5)
    assert attempt(client, password=PASSWORD).status_code == 429
    clock(10)
    response = attempt(client, password=PASSWORD)
    assert response.status_code == 302 and logged_in(client)


def test_a_success_is_not_counted(client, user):
    for _ in range(3):
        assert attempt(client, password=PASSWORD).status_code == 302
        client.post("/accounts/logout/")
    fail(client, times=MAX_FAILURES - 1)
    assert attempt(client, password=PASSWORD).status_code == 302


def test_a_success_does_not_wash_away_earlier_failures(client, user):
    fail(client, times=MAX_FAILURES - 1)
    assert attempt(client, password=PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    assert attempt(client).status_code == 429  # the fifth failure in the window
    assert attempt(client, password=PASSWORD).status_code == 429


def test_the_account_is_counted_across_addresses_and_spellings(client, user):
    for n, name in enumerate(["alice", "ALICE", "Alice", "alice", "aLiCe"]):
        attempt(client, username=name, ip=f"10.0.1.{n}")
    response = attempt(client, password=PASSWORD, ip="10.0.9.9")
    assert response.status_code == 429 and not logged_in(client)


def test_the_address_is_counted_across_accounts(client, user):
    UserFactory(username="carol")
    for n in range(MAX_FAILURES):
        attempt(client, username=f"guess{n}", ip="10.0.2.1")
    refused = attempt(client, username="carol", password=PASSWORD, ip="10.0.2.1")
    assert refused.status_code == 429 and not logged_in(client)
    elsewhere = attempt(client, password=PASSWORD, ip="10.0.2.2")
    assert elsewhere.status_code == 302 and logged_in(client)


def test_a_locked_account_does_not_lock_other_accounts(client, user):
    UserFactory(username="carol")
    for n in range(MAX_FAILURES):
        attempt(client, ip=f"10.0.3.{n}")
    response = attempt(client, username="carol", password=PASSWORD, ip="10.0.3.99")
    assert response.status_code == 302


def test_a_missing_password_is_not_an_attempt(client, user):
    for _ in range(MAX_FAILURES + 2):
        response = client.post(LOGIN, {"username": "alice", "password": ""})
        assert response.status_code == 200
    assert attempt(client, password=PASSWORD).status_code == 302


def test_ipv6_clients_are_counted_by_their_64_network(client, user):
    UserFactory(username="carol")
    for n in range(MAX_FAILURES):
        attempt(client, username=f"guess{n}", ip=f"2001:db8:1:2::{n + 1}")
    response = attempt(client, username="carol", password=PASSWORD, ip="2001:db8:1:2::ffff")
    assert response.status_code == 429
    other = attempt(client, username="carol", password=PASSWORD, ip="2001:db8:1:3::1")
    assert other.status_code == 302


def test_the_admin_login_is_throttled_too(client, user):
    staff = UserFactory(username="boss", is_staff=True)
    for _ in range(MAX_FAILURES):
        attempt(client, username="boss", url="/admin/login/")
    response = attempt(client, username="boss", password=PASSWORD, url="/admin/login/")
    assert response.status_code == 200  # the admin's own page, with the message
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert staff.pk  # still there, just not logged in


def test_failures_on_the_admin_and_the_site_count_together(client, user):
    for n in range(MAX_FAILURES):
        attempt(client, url="/admin/login/" if n % 2 else LOGIN)
    assert attempt(client, password=PASSWORD).status_code == 429


# --- the address counted --------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxy", "meta", "expected"),
    [
        (False, {"REMOTE_ADDR": "203.0.113.7"}, "203.0.113.7"),
        (False, {"REMOTE_ADDR": "203.0.113.7", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}, "203.0.113.7"),
        (
            True,
            {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 198.51.100.9"},
            "198.51.100.9",
        ),
        (True, {"REMOTE_ADDR": "10.0.0.2"}, "10.0.0.2"),
        (False, {"REMOTE_ADDR": "2001:db8:aa:bb:1:2:3:4"}, "2001:db8:aa:bb::/64"),
        (False, {"REMOTE_ADDR": "::ffff:192.0.2.5"}, "192.0.2.5"),
        (False, {"REMOTE_ADDR": ""}, "unknown"),
        (True, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "not-an-ip"}, "not-an-ip"),
    ],
    ids=[
        "direct",
        "spoofed-header-ignored",
        "proxy-last-hop",
        "proxy-no-header",
        "ipv6-64",
        "ipv4-mapped",
        "empty",
        "garbage",
    ],
)
def test_client_ip(settings, proxy, meta, expected):
    settings.SQUARE_TRUSTED_PROXY_HOPS = 1 if proxy else 0
    request = RequestFactory().get("/", **meta)
    if not meta.get("REMOTE_ADDR"):
        request.META["REMOTE_ADDR"] = ""
    assert client_ip(request) == expected


def test_behind_the_proxy_a_client_cannot_spread_its_failures(client, settings, user):
    settings.SQUARE_TRUSTED_PROXY_HOPS = 1
    UserFactory(username="carol")
    for n in range(MAX_FAILURES):
        attempt(client, username=f"guess{n}", ip="10.0.0.2",
                HTTP_X_FORWARDED_FOR=f"9.9.9.{n}, 198.51.100.9")  # fmt: skip
    response = attempt(
        client, username="carol", password=PASSWORD, ip="10.0.0.2",
        HTTP_X_FORWARDED_FOR="8.8.8.8, 198.51.100.9",
    )  # fmt: skip
    assert response.status_code == 429


def test_the_counts_live_in_the_cache(user):
    login_throttle.attempt_begin(username="alice", ip="10.0.0.1")
    assert login_throttle.seconds_locked(username="alice", ip="10.0.0.1") == 0
    for _ in range(MAX_FAILURES - 1):
        login_throttle.attempt_begin(username="alice", ip="10.0.0.1")
    assert 0 < login_throttle.seconds_locked(username="alice", ip="10.0.0.1") <= WINDOW_SECONDS
