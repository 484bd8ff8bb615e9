"""The engine of the hostile-input suite (test_hostile*.py, campaigns' test_hostile_campaigns):
each case is one record — who sends what to which real URL — and `run` checks the four
promises of issue 8 for it:

1. no 500, and exactly the expected status;
2. a clear message where a person made the mistake (`says`, in English: on the page, in
   the messages of a redirect, or in a JSON error);
3. nothing written that should not be: every tracked table (and MEDIA_ROOT) is the same
   after the request, except the ones the case names in `writes`;
4. nothing executed: no answer holds a raw `<script>`, an event-handler attribute from a
   payload or a `javascript:` link — and `shows`, a page read afterwards, shows the
   payload as escaped text.

Placeholders like `{bob_post}` in URLs are filled from the test's `world.ids`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from django.test import Client

FORGED_TOKEN = "F" * 32


@dataclass(frozen=True)
class Case:
    id: str
    method: str
    url: str
    data: Any = None  # a dict, a callable(world) -> dict (fresh uploads), or a raw body
    who: str = "alice"  # a key of world.users, or "anon"
    status: int = 200
    says: str = ""  # the English message the person is given
    writes: tuple[str, ...] = ()  # tracked tables this request may change
    csrf: str = ""  # "missing", "forged" or "real": a client that enforces CSRF
    escaped: str = ""  # the payload as escaped text, shown by the answer or by ...
    shows: str = ""  # ... this page, read afterwards
    prime: int = 0  # send the same request this many times first (floods)
    setup: Callable | None = None  # callable(world) before anything is sent
    check: Callable | None = None  # callable(world, response) for the specifics
    headers: dict = field(default_factory=dict)
    content_type: str = "application/x-www-form-urlencoded"  # of a raw (bytes) body


def cases_param(cases: list[Case]):
    import pytest

    ids = [c.id for c in cases]
    assert len(set(ids)) == len(ids), "case ids must be unique"
    return pytest.mark.parametrize("case", cases, ids=ids)


# --- nothing executed ---------------------------------------------------------------------

_URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data"}


class _Active(HTMLParser):
    """Collects what a browser would run: script elements that are not the site's own
    (a static file or one with the CSP nonce, or `json_script` data), any on*= event
    attribute, and javascript: URLs in links, sources and form actions."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "script":
            own = (values.get("src") or "").startswith("/static/") or "nonce" in values
            if not own and values.get("type") != "application/json":
                self.found.append(f"<script {values}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            url = "".join((value or "").split()).lower()
            if name in _URL_ATTRS and url.startswith(("javascript:", "vbscript:")):
                self.found.append(f"<{tag} {name}={value}>")

    handle_startendtag = handle_starttag


def assert_inert(text: str) -> None:
    """Parse the answer as a browser would and find nothing a payload could run."""
    parser = _Active()
    parser.feed(text)
    parser.close()
    assert not parser.found, parser.found


# --- nothing written ----------------------------------------------------------------------


def fingerprint(tracked: dict, world) -> dict:
    """Every tracked table's rows (the named fields, by id) and the uploaded files."""
    state = {name: list(qs().values_list(*fields)) for name, (qs, fields) in tracked.items()}
    state["media"] = [str(p) for p in world.media_files()]
    return state


# --- what the person is told --------------------------------------------------------------


def said(response) -> str:
    """The answer's text plus the messages queued for the next page."""
    parts = []
    if not getattr(response, "streaming", False):
        parts.append(response.content.decode("utf-8", "replace"))
    storage = getattr(response.wsgi_request, "_messages", None)
    if storage is not None:
        parts += [str(m) for m in storage]
    return "\n".join(parts)


# --- sending ------------------------------------------------------------------------------


def _client(case: Case, world) -> Client:
    client = Client(enforce_csrf_checks=bool(case.csrf), HTTP_ACCEPT_LANGUAGE="en")
    if case.who != "anon":
        client.force_login(world.users[case.who])
    return client


def _send(client: Client, case: Case, world, url: str):
    data = case.data(world) if callable(case.data) else case.data
    if case.method == "get":
        return client.get(url, data, **case.headers)
    if isinstance(data, bytes):
        return client.post(url, data, content_type=case.content_type, **case.headers)
    data = dict(data or {})
    if case.csrf == "forged":
        client.cookies["csrftoken"] = "C" * 32
        data["csrfmiddlewaretoken"] = FORGED_TOKEN
    elif case.csrf == "real":
        client.get(url)  # the form page sets the cookie, as a browser's visit would
        data["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value
    return client.post(url, data, **case.headers)


def run(case: Case, world, tracked: dict):
    """Send the case and check the four promises; returns the response."""
    if case.setup is not None:
        case.setup(world)
    client = _client(case, world)
    url = case.url.format(**world.ids)
    for _ in range(case.prime):
        _send(client, case, world, url)
    before = fingerprint(tracked, world)
    response = _send(client, case, world, url)

    assert response.status_code != 500
    assert response.status_code == case.status, said(response)[:2000]
    answer = said(response)
    if case.says:
        assert case.says in answer, answer[:3000]
    after = fingerprint(tracked, world)
    for name in before:
        if name not in case.writes:
            assert before[name] == after[name], f"{name} changed"
    for name in case.writes:
        assert before[name] != after[name], f"{name} was expected to change"
    assert_inert(answer)
    if case.escaped:
        page = client.get(case.shows.format(**world.ids)) if case.shows else response
        assert page.status_code == (200 if case.shows else case.status)
        html = page.content.decode()
        assert case.escaped in html, f"{case.escaped!r} not shown"
        assert_inert(html)
    if case.check is not None:
        case.check(world, response)
    return response


# --- the square's world -------------------------------------------------------------------


def square_tracked() -> dict:
    """The square's tables a hostile request could write, with the fields that matter."""
    from square.models import (
        Appeal,
        Comment,
        Follow,
        Hashtag,
        Like,
        ModerationAction,
        Notification,
        Post,
        PostImage,
        PostRevision,
        Report,
        User,
    )

    def rows(model):
        return lambda: model.objects.order_by("pk")

    user_fields = ("pk", "username", "display_name", "bio", "avatar", "is_active", "banned_at")
    return {
        "post": (rows(Post), ("pk", "body", "status", "edited_at", "repost_of_id")),
        "image": (rows(PostImage), ("pk", "image")),
        "revision": (rows(PostRevision), ("pk",)),
        "comment": (rows(Comment), ("pk", "body", "status")),
        "like": (rows(Like), ("pk",)),
        "follow": (rows(Follow), ("pk",)),
        "hashtag": (rows(Hashtag), ("pk", "key")),
        "user": (rows(User), user_fields),
        "report": (rows(Report), ("pk",)),
        "appeal": (rows(Appeal), ("pk",)),
        "decision": (rows(ModerationAction), ("pk",)),
        "notice": (rows(Notification), ("pk",)),
    }


class World:
    """Who is there and what they wrote: alice (the usual sender) and bob, members;
    root (superuser); moderator (staff with `square.moderate`); clerk (staff who may
    only view posts, comments and users); staffer (staff with no permission at all)."""

    def __init__(self, media_files, settings):
        from django.contrib.auth.models import Permission

        from square.services.comments import comment_create
        from square.services.posts import post_delete, post_hide
        from square.tests.factories import ServicePostFactory, UserFactory, moderator_user

        self.media_files, self.settings, self.n = media_files, settings, 0
        alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
        root = UserFactory(username="root", is_staff=True, is_superuser=True)
        clerk = UserFactory(username="clerk", is_staff=True)
        views = ("view_post", "view_comment", "view_user")
        clerk.user_permissions.set(Permission.objects.filter(codename__in=views))
        self.users = {
            "alice": alice,
            "bob": bob,
            "root": root,
            "moderator": moderator_user("moderator"),
            "clerk": clerk,
            "staffer": UserFactory(username="staffer", is_staff=True),
        }
        post = ServicePostFactory
        alice_post = post(author=alice, body="Alice writes about the spring market #town")
        bob_post = post(author=bob, body="Bob shares notes from his weekend hike #hills")
        hidden = post(author=bob, body="Bob grumbles about a noisy neighbour")
        post_hide(post=hidden, staff=root)
        deleted = post(author=bob, body="Bob regrets this one and deletes it")
        post_delete(post=deleted, actor=bob)
        bob_comment = comment_create(author=bob, post=bob_post, body="Bob adds a trail map")
        alice_comment = comment_create(author=alice, post=alice_post, body="Alice adds prices")
        self.ids = {
            "alice_post": alice_post.pk,
            "bob_post": bob_post.pk,
            "bob_hidden": hidden.pk,
            "bob_deleted": deleted.pk,
            "bob_comment": bob_comment.pk,
            "alice_comment": alice_comment.pk,
            "bob": bob.pk,
            "alice": alice.pk,
        }

    def text(self, what: str = "note") -> str:
        """A short text of its own (too short for the near-duplicate check to compare)."""
        self.n += 1
        return f"{what} {self.n}"
