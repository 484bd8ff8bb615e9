"""Hostile input, part 2: who may do what, through the real URLs.

Forged or missing CSRF tokens, other people's posts and comments reached by changing an
id in the URL, admin actions POSTed by members and by staff without the permission,
and floods past the rate limits and the login throttle. Same engine and promises as
test_hostile.py (see `square.tests.hostile`); docs/security.md lists every case.
"""

import re

import pytest

from square.tests import factories as f
from square.tests.hostile import Case, cases_param, run, square_tracked

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

CSRF = "CSRF verification failed."
TOO_OFTEN = "You are doing that too often"
LOCKED = "Too many failed attempts to log in"
LOGIN = "/admin/login/"


def body(what):
    return lambda w: {"body": w.text(what)}


def action(name, target, **extra):
    """An admin list action on the row `target` (a key of world.ids)."""
    return lambda w: {"action": name, "_selected_action": [w.ids[target]], "index": 0, **extra}


def to_login(world, response):
    assert response["Location"].startswith(LOGIN)


def limit(action_name, n=3):
    """Lower one rate limit to `n` an hour for the case (the flood sends n, then one more)."""

    def setup(world):
        world.settings.SQUARE_RATE_LIMITS = {**world.settings.SQUARE_RATE_LIMITS,
                                             action_name: (n, 3600)}  # fmt: skip

    return setup


def wrong_then_right(w):
    """Five wrong passwords for alice, then the right one."""
    w.n += 1
    return {"username": "alice", "password": f.PASSWORD if w.n > 5 else f"guess-{w.n}"}


def still_published(key):
    def check(world, response):
        from square.models import Post

        assert Post.objects.get(pk=world.ids[key]).status == "published"

    return check


# fmt: off
CASES = [
    # --- forged or missing CSRF tokens ---------------------------------------------------
    Case("csrf-missing-compose", "post", "/compose/", body("no token"), csrf="missing",
         status=403, says=CSRF),
    Case("csrf-forged-compose", "post", "/compose/", body("forged token"), csrf="forged",
         status=403, says=CSRF),
    Case("csrf-real-token-compose", "post", "/compose/", body("real token"), csrf="real",
         status=302, writes=("post",)),
    Case("csrf-missing-comment", "post", "/posts/{bob_post}/comments/", body("no token"),
         csrf="missing", status=403, says=CSRF),
    Case("csrf-forged-like", "post", "/posts/{bob_post}/like/", {}, csrf="forged", status=403,
         says=CSRF),
    Case("csrf-missing-follow", "post", "/u/bob/follow/", {}, csrf="missing", status=403,
         says=CSRF),
    Case("csrf-forged-profile", "post", "/accounts/profile/",
         {"display_name": "Hijacked", "bio": "owned"}, csrf="forged", status=403, says=CSRF),
    Case("csrf-missing-delete", "post", "/posts/{alice_post}/delete/", {}, csrf="missing",
         status=403, says=CSRF),
    Case("csrf-missing-report", "post", "/posts/{bob_post}/report/", {"reason": "spam"},
         csrf="missing", status=403, says=CSRF),
    Case("csrf-missing-login", "post", "/accounts/login/",
         {"username": "alice", "password": f.PASSWORD}, who="anon", csrf="missing",
         status=403, says=CSRF),
    Case("csrf-missing-logout", "post", "/accounts/logout/", {}, csrf="missing", status=403,
         says=CSRF),
    Case("csrf-forged-admin-action", "post", "/admin/square/post/",
         action("hide", "bob_post"), who="root", csrf="forged", status=403, says=CSRF),
    # --- other people's things, by changing an id in the URL -------------------------------
    Case("edit-page-of-others-post", "get", "/posts/{bob_post}/edit/", status=404),
    Case("edit-others-post", "post", "/posts/{bob_post}/edit/", {"body": "hijacked"},
         status=404),
    Case("delete-others-post", "post", "/posts/{bob_post}/delete/", status=404),
    Case("read-others-hidden-post", "get", "/posts/{bob_hidden}/", status=404),
    Case("read-others-hidden-history", "get", "/posts/{bob_hidden}/history/", status=404),
    Case("read-deleted-post", "get", "/posts/{bob_deleted}/", status=404),
    Case("repost-others-hidden-post", "post", "/posts/{bob_hidden}/repost/", {"quote": "x"},
         status=404),
    Case("comment-on-hidden-post", "post", "/posts/{bob_hidden}/comments/", body("hello"),
         status=302, says="This post can no longer be commented on."),
    Case("like-hidden-post", "post", "/posts/{bob_hidden}/like/", {}, status=302,
         says="This post can no longer be liked."),
    Case("delete-others-comment", "post", "/comments/{bob_comment}/delete/", status=404),
    Case("reply-across-posts", "post", "/posts/{bob_post}/comments/",
         lambda w: {"body": "a stray reply", "parent": w.ids["alice_comment"]}, status=302,
         says="That comment belongs to another post."),
    Case("appeal-others-post", "post", "/posts/{bob_post}/appeal/", {"text": "it is mine"},
         status=302, says="Only the author can appeal."),
    Case("report-own-post", "post", "/posts/{alice_post}/report/", {"reason": "spam"},
         status=302, says="You cannot report your own post."),
    Case("follow-self", "post", "/u/alice/follow/", {}, status=302,
         says="You cannot follow yourself."),
    Case("like-missing-post", "post", "/posts/987654/like/", {}, status=404),
    Case("overflowing-post-id", "get", "/posts/99999999999999999999999/", status=404),
    Case("overflowing-comment-id", "post", "/comments/99999999999999999999999/delete/",
         status=404),
    # --- admin actions by members and under-privileged staff --------------------------------
    Case("anon-admin-hide-post", "post", "/admin/square/post/", action("hide", "bob_post"),
         who="anon", status=302, check=to_login),
    Case("member-admin-hide-post", "post", "/admin/square/post/",
         action("hide", "bob_post"), status=302, check=to_login),
    Case("staff-without-permissions-hide-post", "post", "/admin/square/post/",
         action("hide", "bob_post"), who="staffer", status=403),
    Case("view-only-staff-hide-post", "post", "/admin/square/post/",
         action("hide", "bob_post"), who="clerk", check=still_published("bob_post")),
    Case("moderator-without-change-hide-post", "post", "/admin/square/post/",
         action("hide", "bob_post"), who="moderator", status=403),
    Case("superuser-hide-post", "post", "/admin/square/post/", action("hide", "bob_post"),
         who="root", status=302, writes=("post",)),
    Case("member-admin-ban-user", "post", "/admin/square/user/",
         action("ban", "bob", post="yes", reason="spam"), status=302, check=to_login),
    Case("view-only-staff-ban-user", "post", "/admin/square/user/",
         action("ban", "bob", post="yes", reason="spam"), who="clerk"),
    Case("view-only-staff-deactivate-user", "post", "/admin/square/user/",
         action("deactivate", "bob"), who="clerk"),
    Case("staff-without-permissions-hide-comment", "post", "/admin/square/comment/",
         action("hide", "bob_comment"), who="staffer", status=403),
    Case("view-only-staff-hide-comment", "post", "/admin/square/comment/",
         action("hide", "bob_comment"), who="clerk"),
    Case("member-moderation-decision", "post", "/admin/square/postunderreview/{bob_post}/change/",
         {"action": "hide", "reason": "spam"}, status=302, check=to_login),
    Case("view-only-staff-moderation-decision", "post",
         "/admin/square/postunderreview/{bob_post}/change/", {"action": "hide", "reason": "x"},
         who="clerk", status=403),
    # --- floods -----------------------------------------------------------------------------
    Case("flood-posts", "post", "/compose/", body("flood"), setup=limit("post"), prime=3,
         status=429, says=TOO_OFTEN),
    Case("flood-quotes", "post", "/posts/{bob_post}/repost/", lambda w: {"quote": w.text("q")},
         setup=limit("post"), prime=3, status=429, says=TOO_OFTEN),
    Case("flood-comments", "post", "/posts/{bob_post}/comments/", body("comment"),
         setup=limit("comment"), prime=3, status=429, says=TOO_OFTEN),
    Case("flood-likes-json", "post", "/posts/{bob_post}/like/", {}, setup=limit("like"),
         prime=3, status=429, says=TOO_OFTEN, headers={"HTTP_ACCEPT": "application/json"}),
    Case("flood-follows", "post", "/u/bob/follow/", {}, setup=limit("follow"), prime=3,
         status=429, says=TOO_OFTEN),
    Case("flood-reports", "post", "/posts/{bob_post}/report/", {"reason": "spam"},
         setup=limit("report"), prime=3, status=429, says=TOO_OFTEN),
    Case("flood-login", "post", "/accounts/login/", wrong_then_right, who="anon", prime=5,
         status=429, says=LOCKED),
]
# fmt: on


@cases_param(CASES)
def test_hostile_access(world, case):
    run(case, world, square_tracked())


def test_answers_carry_the_browser_defences(client, user):
    """Behind the escaping, the headers: a CSP allowing only the site's own scripts (the
    page's scripts carry this response's nonce), no framing, no sniffing, a same-origin
    referrer; after logging in through the form, the session cookie is Secure, HttpOnly
    and SameSite=Lax (the test settings, like production, run with DEBUG off)."""
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert "script-src 'self' 'nonce-" in csp and "'unsafe-inline'" not in csp
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "base-uri 'none'" in csp and "form-action 'self'" in csp
    scripts = re.findall(r"<script [^>]*>", response.content.decode())
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    login = client.post("/accounts/login/", {"username": "alice", "password": f.PASSWORD})
    session = login.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert login.cookies["csrftoken"]["secure"]
