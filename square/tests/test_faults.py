"""Faults from below: the database going away during a request (a clean, translated 503
page, then recovery), a full disk while saving a post's images (a form error and
nothing half-saved), and Redis down (limits fail open or count per process, logged)."""

import errno
import logging
import re

import psycopg
import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage
from django.core.handlers.wsgi import WSGIHandler
from django.db import InterfaceError, OperationalError, connection
from django.test import Client, RequestFactory, override_settings

from square.login_throttle import MAX_FAILURES
from square.models import Hashtag, Like, Post, PostImage, User
from square.project import ratelimit
from square.tests.factories import PASSWORD, PostFactory, ServicePostFactory
from square.tests.parallel import needs_postgresql, redis_cache_settings

WENT_AWAY = "server closed the connection unexpectedly"
UNAVAILABLE_EN = "Square cannot reach its database for a moment."
UNAVAILABLE_ZH = "广场暂时连不上数据库"


@pytest.fixture
def database_away():
    """`database_away(True)` makes every statement on this thread's connection fail as
    if the server had gone (OperationalError, or InterfaceError with `error=`)."""
    state = {"away": False, "error": OperationalError}

    def fail(execute, sql, params, many, context):
        if state["away"]:
            raise state["error"](WENT_AWAY)
        return execute(sql, params, many, context)

    def switch(away: bool, error=OperationalError) -> None:
        state.update(away=away, error=error)

    with connection.execute_wrapper(fail):
        yield switch


def assert_unavailable_page(response, text: str) -> None:
    """503, `Retry-After`, the site's layout and stylesheet, the message; no traceback."""
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert text in html
    assert '<header class="topbar">' in html and "css/square.css" in html
    assert "Traceback" not in html and WENT_AWAY not in html
    assert 'href="/accounts/login/"' in html  # the header cannot know who is signed in
    assert response["Content-Security-Policy"] and response["Permissions-Policy"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_database_gone_away_gives_a_503_page_then_the_site_recovers(
    client, database_away, caplog, error
):
    PostFactory(body="still here")
    database_away(True, error)
    with caplog.at_level(logging.ERROR, logger="square.project.middleware"):
        response = client.get("/?tab=latest")
    assert_unavailable_page(response, UNAVAILABLE_ZH)  # Chinese, the default
    assert '<html lang="zh-hans">' in response.content.decode()
    [record] = [r for r in caplog.records if r.name == "square.project.middleware"]
    assert record.levelno == logging.ERROR and isinstance(record.exc_info[1], error)
    assert record.getMessage() == "Database unavailable: GET / answered 503"

    english = client.get("/?tab=latest", HTTP_ACCEPT_LANGUAGE="en")
    assert_unavailable_page(english, UNAVAILABLE_EN)

    database_away(False)
    again = client.get("/?tab=latest")
    assert again.status_code == 200 and "still here" in again.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_member_posting_while_the_database_is_away_loses_nothing_and_gets_503(
    client, database_away, user
):
    client.force_login(user)
    database_away(True)
    response = client.post("/compose/", {"body": "#spring 这条会丢吗"}, HTTP_ACCEPT_LANGUAGE="en")
    assert_unavailable_page(response, "it may not have been saved")
    like = client.post("/posts/1/like/", HTTP_ACCEPT="application/json")
    assert like.status_code == 503 and like["Retry-After"] == "30"
    assert UNAVAILABLE_ZH in like.json()["error"]
    database_away(False)
    assert not Post.objects.exists() and not Hashtag.objects.exists()
    assert client.get("/compose/").status_code == 200  # the same session, still signed in


def _wsgi(handler: WSGIHandler, path: str) -> tuple[int, str]:
    """One GET through Django's WSGI handler, as the app server sends it: with the
    request_started/finished signals that hand each connection back afterwards."""
    environ = RequestFactory().get(path).environ
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = int(status.split()[0])

    response = handler(environ, start_response)
    try:
        body = b"".join(response).decode()
    finally:
        response.close()
    return answer["status"], body


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_postgresql_killing_the_connections_costs_a_503_then_requests_recover(caplog):
    """pg_terminate_backend from another connection ends every server process of the
    test database, as a restart would. The pooled connections are all dead: each
    request that draws one answers 503 and the pool drops it; then every request is
    served. No request ever answers 500."""
    PostFactory(body="survives the restart")
    handler = WSGIHandler()
    first = _wsgi(handler, "/?tab=latest")
    assert first[0] == 200
    db = settings.DATABASES["default"]
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname="postgres", autocommit=True
    ) as killer:
        killed = killer.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [db["NAME"]],
        ).fetchone()[0]
    assert killed >= 1
    # The page was kept for visitors: served while the database is away, with no query.
    assert _wsgi(handler, "/?tab=latest") == first
    cache.clear()  # once it ages out, a request draws a pooled (dead) connection
    pool_size = db["OPTIONS"]["pool"]["max_size"] if "pool" in db.get("OPTIONS", {}) else 1
    statuses = []
    with caplog.at_level(logging.ERROR, logger="square.project.middleware"):
        while not statuses or statuses[-1] != 200:
            assert len(statuses) <= pool_size, statuses
            statuses.append(_wsgi(handler, "/?tab=latest")[0])
    assert statuses[0] == 503 and set(statuses[:-1]) == {503}
    logged = [r for r in caplog.records if r.name == "square.project.middleware"]
    assert len(logged) == len(statuses) - 1
    after = [_wsgi(handler, "/?tab=latest") for _ in range(3)]
    assert [status for status, _body in after] == [200, 200, 200]
    assert "survives the restart" in after[-1][1]


# --- a full disk ------------------------------------------------------------------------


@pytest.fixture
def disk_full_at(monkeypatch):
    """`disk_full_at(n)`: the n-th file the storage writes fails with ENOSPC; returns the
    names asked for so far."""

    def arm(nth: int) -> list[str]:
        real, asked = FileSystemStorage._save, []

        def save(self, name, content):
            asked.append(name)
            if len(asked) == nth:
                raise OSError(errno.ENOSPC, "No space left on device", name)
            return real(self, name, content)

        monkeypatch.setattr(FileSystemStorage, "_save", save)
        return asked

    return arm


@pytest.mark.django_db
@pytest.mark.parametrize(
    "nth", [1, 2, 4], ids=["first-image", "first-thumbnail", "second-thumbnail"]
)
def test_a_full_disk_while_posting_images_is_a_form_error_and_leaves_nothing(
    auth_client, user, jpeg_upload, media_files, disk_full_at, caplog, english, nth
):
    asked = disk_full_at(nth)
    data = {"body": "#spring 两张图", "images": [jpeg_upload("a.jpg"), jpeg_upload("b.jpg")]}
    with caplog.at_level(logging.ERROR, logger="square.services.posts"):
        response = auth_client.post("/compose/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert len(asked) == nth  # the fault struck where this case says
    assert response.status_code == 200
    assert "The images could not be stored just now, so nothing was posted." in (
        response.content.decode()
    )
    assert not Post.objects.exists() and not PostImage.objects.exists()
    assert not Hashtag.objects.exists()
    assert User.objects.get(pk=user.pk).post_count == 0
    assert media_files() == []  # the files written before the failure are gone too
    assert "No space left on device" in caplog.text


@pytest.mark.django_db
def test_after_the_disk_has_room_again_the_same_post_goes_through(
    auth_client, jpeg_upload, media_files, disk_full_at
):
    disk_full_at(3)
    data = {"body": "#spring 再试一次", "images": [jpeg_upload("a.jpg"), jpeg_upload("b.jpg")]}
    assert auth_client.post("/compose/", data).status_code == 200
    disk_full_at(0)  # no more faults
    data = {"body": "#spring 再试一次", "images": [jpeg_upload("a.jpg"), jpeg_upload("b.jpg")]}
    assert auth_client.post("/compose/", data).status_code == 302
    assert PostImage.objects.count() == 2 and len(media_files()) == 4


# --- Redis down -------------------------------------------------------------------------

# Nothing listens on port 1: every cache call fails at once, as with Redis down.
REDIS_DOWN = redis_cache_settings("redis://127.0.0.1:1/0")


@pytest.fixture
def redis_down():
    with override_settings(CACHES=REDIS_DOWN):
        ratelimit.LOCAL.clear()
        yield
        ratelimit.LOCAL.clear()


@pytest.mark.django_db
def test_redis_down_member_limits_fail_open_and_say_so(redis_down, settings, user, caplog):
    settings.SQUARE_RATE_LIMITS = {**settings.SQUARE_RATE_LIMITS, "like": (2, 3600)}
    client = Client()
    client.force_login(user)
    posts = [PostFactory() for _ in range(4)]
    with caplog.at_level(logging.ERROR, logger="square.project.ratelimit"):
        statuses = [client.post(f"/posts/{p.pk}/like/").status_code for p in posts]
    assert statuses == [302] * 4  # past the limit of 2: nothing counts them now
    assert Like.objects.filter(user=user).count() == 4
    errors = [r for r in caplog.records if r.name == "square.project.ratelimit"]
    assert len(errors) == 4 and all("not counted" in r.getMessage() for r in errors)


@pytest.mark.django_db
def test_redis_down_logins_work_and_guessing_is_still_limited(redis_down, user, caplog, english):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    login = {"username": "alice", "password": PASSWORD}
    with caplog.at_level(logging.ERROR, logger="square.login_throttle"):
        assert client.post("/accounts/login/", login).status_code == 302
        client.post("/accounts/logout/")
        guesses = [
            client.post("/accounts/login/", {**login, "password": f"guess-{n}"}).status_code
            for n in range(MAX_FAILURES + 2)
        ]
        refused = client.post("/accounts/login/", login)
    assert guesses == [200] * (MAX_FAILURES - 1) + [429] * 3
    assert refused.status_code == 429 and "_auth_user_id" not in client.session
    assert "Too many failed attempts to log in" in refused.content.decode()
    assert caplog.records and all(
        "counted in this process" in r.getMessage() for r in caplog.records
    )


@pytest.mark.django_db
def test_redis_down_sign_ups_are_still_limited_per_address(redis_down, settings, caplog, english):
    settings.SQUARE_RATE_LIMITS = {**settings.SQUARE_RATE_LIMITS, "signup": (2, 3600)}
    statuses = []
    for n in range(3):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        data = {"username": f"newbie{n}", "password1": PASSWORD, "password2": PASSWORD}
        statuses.append(client.post("/accounts/signup/", data, REMOTE_ADDR="10.5.0.1").status_code)
    assert statuses == [302, 302, 429]
    assert sorted(User.objects.values_list("username", flat=True)) == ["newbie0", "newbie1"]
    assert re.search(r"Rate limit 'signup' counted in this process", caplog.text)


@pytest.mark.django_db
def test_redis_down_the_feeds_and_topics_are_still_served(redis_down, caplog):
    """Shared cached values (trending, Hot's ranking, topic authors) are computed in the
    request instead: the pages are slower, not broken."""
    posts = [ServicePostFactory(body=f"#spring 第{n}篇：{'春风' * n}") for n in range(3)]
    for path in ("/", "/?tab=latest", "/tags/spring/"):
        response = Client().get(path)
        assert response.status_code == 200, path
        shown = {p.pk for p in response.context["page"].items}
        assert shown == {p.pk for p in posts}, path
    assert "computing it in this request" in caplog.text
