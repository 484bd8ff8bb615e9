"""The staff and official badges (issue 15 §3): on cards, quotes, profiles, comments and
notifications, in the reader's language, never for members, and at no query's cost."""

from html import unescape

import pytest
from django.utils import translation

from square.models import User
from square.project.page_cache import pages_changed
from square.services.comments import comment_create
from square.services.interactions import follow_create
from square.services.posts import post_create, repost_create
from square.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def page_text(response) -> str:
    return unescape(response.content.decode())


def edit_profile(client, display_name: str, bio: str = ""):
    return client.post("/accounts/profile/", {"display_name": display_name, "bio": bio})


# --- the badge ----------------------------------------------------------------------------


def badges(html: str) -> list[str]:
    return [part.split('"', 1)[0] for part in html.split('class="member-badge ')[1:]]


@pytest.fixture
def people():
    return {
        "staff": UserFactory(username="ops_staff", is_staff=True, display_name="小王"),
        "official": UserFactory(username="square_ops", is_official=True, display_name="小广"),
        "member": UserFactory(username="plain", display_name="普通人"),
    }


@pytest.mark.parametrize(("who", "expected"), [("staff", ["staff"]), ("official", ["official"])])
def test_the_badge_is_on_cards_profiles_and_comments(client, people, who, expected):
    author, member = people[who], people["member"]
    post = post_create(author=author, body="hello")
    members_post = post_create(author=member, body="hi")
    comment_create(author=author, post=members_post, body="welcome")
    assert badges(client.get("/?tab=latest").content.decode()) == expected  # not the member's
    assert badges(client.get(f"/u/{author.username}/").content.decode()) == expected * 2
    assert badges(client.get(f"/posts/{post.pk}/").content.decode()) == expected
    assert badges(client.get(f"/posts/{members_post.pk}/").content.decode()) == expected


def test_the_badge_says_what_it_is_in_words(client, people):
    post_create(author=people["official"], body="hello")
    html = page_text(client.get("/u/square_ops/"))
    with translation.override("zh-hans"):
        word = translation.pgettext("account badge", "Official")
    assert f">{word}</span>" in html


def test_the_badge_speaks_the_readers_language_on_cached_cards(client, people):
    """The card's author line is a cached fragment: its key must name the language."""
    post_create(author=people["staff"], body="hello")
    for lang in ("zh-hans", "en", "zh-hans"):
        with translation.override(lang):
            word = translation.pgettext("account badge", "Staff")
        client.cookies["django_language"] = lang
        for url in ("/?tab=latest", "/u/ops_staff/"):
            assert page_text(client.get(url)).count(f">{word}</span>") >= 1, (lang, url)


def test_members_carry_no_badge(client, people):
    member = people["member"]
    post = post_create(author=member, body="hello")
    comment_create(author=member, post=post, body="me too")
    for url in ("/?tab=latest", "/u/plain/", f"/posts/{post.pk}/"):
        assert badges(client.get(url).content.decode()) == []


def test_granting_and_revoking_the_badge_shows_on_cached_cards(client, people):
    member = people["member"]
    post_create(author=member, body="hello")
    assert badges(client.get("/?tab=latest").content.decode()) == []
    User.objects.filter(pk=member.pk).update(is_official=True)
    pages_changed()  # as the user admin's save does: the kept visitor page is over
    assert badges(client.get("/?tab=latest").content.decode()) == ["official"]
    User.objects.filter(pk=member.pk).update(is_official=False)
    pages_changed()  # as the user admin's save does: the kept visitor page is over
    assert badges(client.get("/?tab=latest").content.decode()) == []


def test_the_badge_is_on_a_quoted_post_and_in_notifications(client, people):
    official, member = people["official"], people["member"]
    original = post_create(author=official, body="news")
    repost_create(author=member, post=original, quote="look")
    follow_create(follower=official, followee=member)
    html = client.get("/u/plain/").content.decode()
    assert badges(html) == ["official"]  # the quote's head
    client.force_login(member)
    assert badges(client.get("/notifications/").content.decode()) == ["official"]


def test_members_cannot_give_themselves_the_badge(auth_client, user):
    data = {"display_name": "A", "bio": "", "is_official": "on", "is_staff": "on"}
    assert auth_client.post("/accounts/profile/", data).status_code == 302
    user.refresh_from_db()
    assert not user.is_official and not user.is_staff


def test_badges_cost_no_query(client, django_assert_max_num_queries):
    """The flags are columns of the author row the card loads anyway."""
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    authors = UserFactory.create_batch(5)
    for author in authors:
        post_create(author=author, body="hello")

    def queries() -> int:
        caches["template_fragments"].clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/?tab=latest").status_code == 200
        return len(captured)

    plain = queries()
    User.objects.filter(pk__in=[a.pk for a in authors[:3]]).update(is_official=True)
    User.objects.filter(pk__in=[a.pk for a in authors[3:]]).update(is_staff=True)
    pages_changed()  # as the user admin's save does: the kept visitor page is over
    with django_assert_max_num_queries(plain):
        assert (
            badges(client.get("/?tab=latest").content.decode()) == ["staff"] * 2 + ["official"] * 3
        )
