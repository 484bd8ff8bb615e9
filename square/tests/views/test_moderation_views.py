"""The integrity pages: reporting a post, the author's checks and one appeal, and what a
banned account sees instead of the forms."""

import re
import types
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from square.models import Appeal, Comment, Post, Report
from square.project import ratelimit
from square.services.moderation import user_ban
from square.services.posts import post_create, post_hide
from square.tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def han(seed: int, n: int = 60) -> str:
    """A text of `n` different Han characters of its own: texts of different seeds share
    no character, so the near-duplicate check never takes one for a copy of another."""
    start = 0x4E00 + seed * 200
    return "".join(chr(start + i) for i in range(n))


def write(author, seed: int, *, minutes_ago: int = 0, body: str | None = None) -> Post:
    when = timezone.now() - timedelta(minutes=minutes_ago)
    return post_create(author=author, body=body or han(seed), created_at=when)


def page(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def alice_post(user):
    return write(user, 1, minutes_ago=30)


@pytest.fixture
def copied(user, other_user):
    """Alice's post and Bob's later copy of it (flagged as a copy on creation)."""
    original = write(user, 2, minutes_ago=60)
    copy = write(other_user, 0, minutes_ago=10, body=original.body)
    assert copy.duplicate_flags.filter(kind="copy_of_other", status="pending").exists()
    return original, copy


def report_url(post: Post) -> str:
    return f"/posts/{post.pk}/report/"


def appeal_url(post: Post) -> str:
    return f"/posts/{post.pk}/appeal/"


# --- reports ------------------------------------------------------------------------------


def test_the_report_link_shows_for_signed_in_people_other_than_the_author(
    client, user, other_user, alice_post
):
    assert report_url(alice_post) not in page(client.get(alice_post.get_absolute_url()))
    client.force_login(user)
    assert report_url(alice_post) not in page(client.get(alice_post.get_absolute_url()))
    client.force_login(other_user)
    assert report_url(alice_post) in page(client.get(alice_post.get_absolute_url()))


def test_the_report_form_offers_every_reason_and_the_originals_link(other_client, alice_post):
    response = other_client.get(report_url(alice_post))
    assert response.status_code == 200
    html = page(response)
    for value in ("spam", "plagiarism", "abuse", "other"):
        assert f'value="{value}"' in html
    assert 'name="original"' in html and 'name="note"' in html
    assert "Link to the original post" in html


def test_a_report_is_made_once(other_client, other_user, alice_post):
    data = {"reason": "spam", "note": "广告链接"}
    response = other_client.post(report_url(alice_post), data, follow=True)
    assert response.redirect_chain[-1][0] == alice_post.get_absolute_url()
    assert "Thank you" in page(response)
    report = Report.objects.get()
    assert (report.reporter, report.post, report.reason, report.note) == (
        other_user,
        alice_post,
        "spam",
        "广告链接",
    )
    response = other_client.post(report_url(alice_post), {"reason": "abuse"}, follow=True)
    assert "You have already reported this post." in page(response)
    assert Report.objects.count() == 1
    response = other_client.get(report_url(alice_post), follow=True)
    assert response.redirect_chain[-1][0] == alice_post.get_absolute_url()
    assert "You have already reported this post." in page(response)


def test_a_reason_must_be_chosen(other_client, alice_post):
    response = other_client.post(report_url(alice_post), {"reason": ""})
    assert response.status_code == 200
    assert "Choose what is wrong with the post." in page(response)
    response = other_client.post(report_url(alice_post), {"reason": "made-up"})
    assert response.status_code == 200 and "has-error" in page(response)
    assert not Report.objects.exists()


def test_plagiarism_needs_the_link_of_a_valid_earlier_original(client, copied):
    original, copy = copied
    client.force_login(UserFactory(username="carol"))
    later = write(UserFactory(username="dave"), 3)
    refused = {
        "": "Paste the link of the original post on Square.",
        "https://example.com/some/page": "Paste the link of the original post on Square.",
        "/posts/99999999/": "Paste the link of the original post on Square.",
        f"/posts/{copy.pk}/": "The original must be an earlier post.",
        f"/posts/{later.pk}/": "The original must be an earlier post.",
    }
    for link, message in refused.items():
        response = client.post(report_url(copy), {"reason": "plagiarism", "original": link})
        assert response.status_code == 200, link
        html = page(response)
        assert message in html, link
        assert "field-original has-error" in html  # shown even where :has() hides it
    assert not Report.objects.exists()
    link = f"http://testserver/posts/{original.pk}/"
    response = client.post(report_url(copy), {"reason": "plagiarism", "original": link})
    assert response.status_code == 302
    assert Report.objects.get().original == original
    other = UserFactory(username="erin")
    client.force_login(other)
    client.post(report_url(copy), {"reason": "plagiarism", "original": str(original.pk)})
    assert Report.objects.get(reporter=other).original == original


def test_ones_own_post_cannot_be_reported(auth_client, alice_post):
    response = auth_client.get(report_url(alice_post), follow=True)
    assert response.redirect_chain[-1][0] == alice_post.get_absolute_url()
    assert "You cannot report your own post." in page(response)
    response = auth_client.post(report_url(alice_post), {"reason": "spam"}, follow=True)
    assert "You cannot report your own post." in page(response)
    assert not Report.objects.exists()


def test_reporting_needs_a_login(client, alice_post):
    response = client.get(report_url(alice_post))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    response = client.post(report_url(alice_post), {"reason": "spam"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Report.objects.exists()


def test_posts_that_are_not_visible_cannot_be_reported(other_client, alice_post, moderator):
    post_hide(post=alice_post, staff=moderator)
    assert other_client.get(report_url(alice_post)).status_code == 404
    assert other_client.post(report_url(alice_post), {"reason": "spam"}).status_code == 404
    assert other_client.get("/posts/99999999/report/").status_code == 404
    assert not Report.objects.exists()


def test_a_plain_repost_is_reported_as_its_original(other_client, user, alice_post):
    from square.services.posts import repost_create

    repost, _created = repost_create(author=UserFactory(username="carol"), post=alice_post)
    response = other_client.get(report_url(repost))
    assert response.status_code == 302 and response["Location"] == report_url(alice_post)


def test_reports_are_rate_limited(settings, monkeypatch, other_client, user):
    settings.SQUARE_RATE_LIMITS = {**settings.SQUARE_RATE_LIMITS, "report": (2, 3600)}
    hour = 1_750_000_000.0 - 1_750_000_000.0 % 3600  # the start of a window: no rollover
    monkeypatch.setattr(ratelimit, "time", types.SimpleNamespace(time=lambda: hour))
    posts = [write(user, 10 + i, minutes_ago=5 - i) for i in range(3)]
    for post in posts[:2]:
        assert other_client.post(report_url(post), {"reason": "spam"}).status_code == 302
    response = other_client.post(report_url(posts[2]), {"reason": "spam"})
    assert response.status_code == 429
    assert "You are doing that too often" in page(response)
    assert Report.objects.count() == 2
    assert other_client.get(report_url(posts[2])).status_code == 200  # reading is free


def test_the_form_works_through_csrf_protection(other_user, alice_post):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(other_user)
    assert browser.post(report_url(alice_post), {"reason": "spam"}).status_code == 403
    html = browser.get(report_url(alice_post)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = browser.post(
        report_url(alice_post), {"reason": "abuse", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert Report.objects.get().reason == "abuse"


# --- the author's checks and appeal -------------------------------------------------------


def test_the_author_of_a_flagged_post_is_told_and_can_appeal_once(client, copied, other_user):
    _original, copy = copied
    client.force_login(other_user)
    html = page(client.get(copy.get_absolute_url()))
    assert 'id="integrity"' in html
    assert "Flagged as a possible copy of someone" in html
    assert f'action="{appeal_url(copy)}"' in html
    response = client.post(appeal_url(copy), {"text": "这是我自己写的，有草稿为证。"}, follow=True)
    assert response.redirect_chain[-1][0] == f"{copy.get_absolute_url()}#integrity"
    html = page(response)
    assert "Your appeal was sent. Staff will review it." in html
    assert "waiting for review by staff" in html and "(UTC+8)" in html
    assert f'action="{appeal_url(copy)}"' not in html  # no second form
    appeal = Appeal.objects.get()
    assert (appeal.post, appeal.author, appeal.status) == (copy, other_user, "open")
    response = client.post(appeal_url(copy), {"text": "再说一次"}, follow=True)
    assert "You have already appealed" in page(response)
    response = client.get(appeal_url(copy), follow=True)
    assert "You have already appealed" in page(response)
    assert Appeal.objects.count() == 1


def test_only_the_author_sees_the_checks_and_may_appeal(client, copied, user):
    _original, copy = copied
    client.force_login(user)  # the original's author, not the copy's
    html = page(client.get(copy.get_absolute_url()))
    assert 'id="integrity"' not in html and "Flagged as" not in html
    response = client.post(appeal_url(copy), {"text": "不是他写的"}, follow=True)
    assert "Only the author can appeal." in page(response)
    assert client.get(appeal_url(copy), follow=True).status_code == 200
    assert not Appeal.objects.exists()
    anonymous = Client()
    assert anonymous.post(appeal_url(copy), {"text": "x"}).status_code == 302
    assert "Flagged as" not in page(anonymous.get(copy.get_absolute_url()))
    assert not Appeal.objects.exists()


def test_there_is_nothing_to_appeal_on_a_post_without_findings(auth_client, alice_post):
    html = page(auth_client.get(alice_post.get_absolute_url()))
    assert 'id="integrity"' not in html and appeal_url(alice_post) not in html
    response = auth_client.get(appeal_url(alice_post), follow=True)
    assert "There is nothing to appeal on this post." in page(response)
    response = auth_client.post(appeal_url(alice_post), {"text": "为什么？"}, follow=True)
    assert "There is nothing to appeal on this post." in page(response)
    assert not Appeal.objects.exists()


def test_an_appeal_needs_a_short_text(client, copied, other_user):
    _original, copy = copied
    client.force_login(other_user)
    assert client.get(appeal_url(copy)).status_code == 200
    response = client.post(appeal_url(copy), {"text": "   "})
    assert response.status_code == 200
    assert "Explain in 1 to 500 characters why this is wrong." in page(response)
    response = client.post(appeal_url(copy), {"text": "长" * 501})
    assert response.status_code == 200 and "has-error" in page(response)
    assert not Appeal.objects.exists()


def test_a_hidden_post_can_be_appealed_by_its_author(auth_client, alice_post, moderator):
    post_hide(post=alice_post, staff=moderator)
    html = page(auth_client.get(alice_post.get_absolute_url()))
    assert "Hidden by staff" in html and f'action="{appeal_url(alice_post)}"' in html
    auth_client.post(appeal_url(alice_post), {"text": "误判了"})
    assert Appeal.objects.get().post == alice_post


def test_the_authors_checks_cost_one_query(client, copied, user, other_user):
    """Flags and appeal in one query, only for the author; nothing for anyone else."""
    _original, copy = copied

    def queries(viewer) -> int:
        client.force_login(viewer)
        client.get(copy.get_absolute_url())  # warm the session
        with CaptureQueriesContext(connection) as ctx:
            client.get(copy.get_absolute_url())
        return len(ctx.captured_queries)

    others, author = queries(user), queries(other_user)  # Bob wrote the copy
    assert author <= others + 1


# --- banned accounts ----------------------------------------------------------------------


@pytest.fixture
def banned(user, moderator):
    return user_ban(user=user, actor=moderator, reason="多次发广告")


BANNED = "Your account is banned (多次发广告): you can still read and appeal"


def test_a_banned_account_sees_a_notice_instead_of_the_compose_form(auth_client, banned):
    html = page(auth_client.get("/compose/"))
    assert BANNED in html
    assert 'name="body"' not in html and "compose-extra" not in html


def test_a_banned_accounts_post_creates_nothing_and_says_why(auth_client, banned):
    response = auth_client.post("/compose/", {"body": han(20)})
    assert response.status_code == 200
    assert BANNED in page(response)
    assert not Post.objects.exists()


def test_a_banned_account_cannot_edit_repost_or_comment_and_is_told(
    auth_client, banned, alice_post, other_user
):
    theirs = write(other_user, 21)
    for path in (f"/posts/{alice_post.pk}/edit/", f"/posts/{theirs.pk}/repost/"):
        response = auth_client.get(path, follow=True)
        assert BANNED in page(response), path
        response = auth_client.post(path, {"body": han(22), "quote": han(23)}, follow=True)
        assert response.status_code == 200 and BANNED in page(response), path
    alice_post.refresh_from_db()
    assert alice_post.body == han(1) and Post.objects.count() == 2
    response = auth_client.post(f"/posts/{theirs.pk}/comments/", {"body": "你好"}, follow=True)
    assert response.status_code == 200 and BANNED in page(response)
    assert not Comment.objects.exists()
    html = page(auth_client.get(theirs.get_absolute_url()))
    assert BANNED in html and 'class="comment-form"' not in html
    html = page(auth_client.get(alice_post.get_absolute_url()))
    assert f"/posts/{alice_post.pk}/edit/" not in html


def test_others_still_get_the_forms(other_client, banned, alice_post):
    assert 'name="body"' in page(other_client.get("/compose/"))
    assert 'class="comment-form"' in page(other_client.get(alice_post.get_absolute_url()))
