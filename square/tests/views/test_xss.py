"""Whatever members type is shown as text: never as markup, never as a script link."""

import re

import pytest
from django.urls import reverse

from square.models import User
from square.services.accounts import profile_update
from square.services.comments import comment_create
from square.services.interactions import follow_create, like_create
from square.services.posts import post_edit, repost_create
from square.tests.factories import ServicePostFactory

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
]
RAW = [p for p in PAYLOADS if p.startswith(("<", '"'))]


def assert_escaped(html: str):
    for payload in RAW:
        assert payload not in html, f"unescaped: {payload}"
    assert "<script>alert" not in html
    assert "onerror=alert(1)>" not in html
    assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", html, re.IGNORECASE)
    # The page's own icons are inline <svg> without handlers; a payload's has onload.
    assert not re.search(r"<svg[^>]*\bon\w+\s*=", html, re.IGNORECASE)


@pytest.fixture
def evil_member(db):
    member = User.objects.create_user(username="mallory", password="x-unused-pw-123")
    return profile_update(
        user=member,
        display_name="<script>alert(1)</script>"[:50],
        bio=" ".join(PAYLOADS),
    )


@pytest.fixture
def evil_post(evil_member):
    body = "#evil " + " ".join(PAYLOADS) + " @mallory"
    return ServicePostFactory(author=evil_member, body=body)


def pages(post) -> list[str]:
    return [
        "/",
        "/tags/evil/",
        "/u/mallory/",
        f"/posts/{post.pk}/",
        f"/posts/{post.pk}/history/",
        "/search/?q=alert",
        "/?partial=1",
    ]


def test_payloads_are_escaped_on_every_page(client, evil_post):
    for url in pages(evil_post):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url
        assert_escaped(html)


def test_payloads_are_escaped_for_the_author_too(client, evil_post, evil_member):
    client.force_login(evil_member)
    for url in [*pages(evil_post), "/accounts/profile/", f"/posts/{evil_post.pk}/edit/"]:
        html = client.get(url).content.decode()
        assert_escaped(html)


def test_payloads_in_comments_reposts_and_notifications_are_escaped(client, evil_post, user):
    """Mallory comments, replies, quotes, likes and follows: every page alice sees
    (her post, the thread, her notifications, the people lists) shows it as text."""
    mallory = evil_post.author
    own = ServicePostFactory(author=user, body="alice's post")
    top = comment_create(author=user, post=own, body="first")
    evil = " ".join(PAYLOADS)
    comment_create(author=mallory, post=own, body=evil)
    comment_create(author=mallory, post=own, body=evil, parent=top)
    repost_create(author=mallory, post=own, quote=evil)
    like_create(user=mallory, post=own)
    follow_create(follower=mallory, followee=user)
    client.force_login(user)
    urls = [
        f"/posts/{own.pk}/",
        f"/comments/{top.pk}/",
        "/notifications/",
        "/u/alice/followers/",
        "/?tab=latest",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url
        assert_escaped(html)


def test_display_name_and_bio_are_escaped(client, evil_member):
    html = client.get("/u/mallory/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert_escaped(html)


def test_earlier_versions_are_escaped(client, evil_post, evil_member):
    post_edit(post=evil_post, editor=evil_member, body="now harmless")
    html = client.get(f"/posts/{evil_post.pk}/history/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert_escaped(html)


@pytest.mark.parametrize("query", PAYLOADS)
def test_search_query_is_escaped(client, evil_post, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert_escaped(response.content.decode())


def test_invalid_tag_message_is_escaped(client):
    response = client.get(reverse("topic", kwargs={"tag": "<img src=x onerror=alert(1)>"}))
    assert response.status_code == 400
    assert_escaped(response.content.decode())


def test_compose_prefill_is_escaped(client, evil_member):
    client.force_login(evil_member)
    response = client.get("/compose/", {"tag": "</textarea><script>alert(1)</script>"})
    assert_escaped(response.content.decode())
    assert "</textarea><script>" not in response.content.decode()


# --- links -----------------------------------------------------------------------------------


def test_urls_in_posts_get_safe_rel(client, user):
    post = ServicePostFactory(
        author=user, body="see https://example.com/a?b=1&c=2. and www.example.org"
    )
    html = client.get(f"/posts/{post.pk}/").content.decode()
    links = re.findall(r'<a href="([^"]+)" rel="([^"]+)" target="_blank">([^<]+)</a>', html)
    assert links == [
        (
            "https://example.com/a?b=1&amp;c=2",
            "nofollow ugc noopener",
            "https://example.com/a?b=1&amp;c=2",
        ),
        ("https://www.example.org", "nofollow ugc noopener", "www.example.org"),
    ]


def test_every_external_link_on_cards_has_safe_rel(client, user):
    ServicePostFactory(author=user, body="a http://one.example b https://two.example/x")
    html = client.get("/").content.decode()
    external = re.findall(r"<a [^>]*href=\"https?://[^>]*>", html)
    assert len(external) == 2
    assert all('rel="nofollow ugc noopener"' in tag for tag in external)


@pytest.mark.parametrize(
    "body",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "ｊａｖａｓｃｒｉｐｔ:alert(1)",
        "click javascript://example.com/%0aalert(1)",
        'www.example.com/x"onmouseover="alert(1)',
        'https://example.com/"><script>alert(1)</script>',
    ],
    ids=["plain", "mixed-case", "fullwidth", "comment-trick", "quote-break", "tag-break"],
)
def test_script_text_never_becomes_a_link_or_markup(client, user, body):
    post = ServicePostFactory(author=user, body=body)
    html = client.get(f"/posts/{post.pk}/").content.decode()
    assert_escaped(html)
    for href in re.findall(r'href="([^"]*)"', html):
        assert not href.lower().lstrip().startswith("javascript"), href
    assert 'onmouseover="alert' not in html
