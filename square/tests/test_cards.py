"""Whole post cards of a feed page come from a per-process cache keyed by what the
viewer sees (`square.cards`): a card is rendered once per state, the like form still
carries this request's CSRF token and this page's address, and anything that changes
what a card shows (a like, an edit, who is looking) gives a fresh card."""

import re

import pytest
from django.test import Client

from square import cards
from square.models import Post
from square.project.hooks import Badge
from square.services.interactions import like_create
from square.services.posts import post_create, post_edit
from square.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rendered(monkeypatch):
    """The posts whose card was rendered (not taken from the cache) since the test began."""
    calls = []
    real = cards.get_template

    class Counting:
        def __init__(self, template):
            self.template = template

        def render(self, context):
            calls.append(context["post"].pk)
            return self.template.render(context)

    monkeypatch.setattr(cards, "get_template", lambda name: Counting(real(name)))
    return calls


def _csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _like_form(page: str, post_id: int) -> tuple[str, str]:
    """The CSRF token and `next` of the like form of one card on a page."""
    form = re.search(rf'<form[^>]*action="/posts/{post_id}/like/"[^>]*>(.*?)</form>', page, re.S)
    assert form, f"no like form for post {post_id}"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(1)).group(1)
    next_url = re.search(r'name="next" value="([^"]+)"', form.group(1)).group(1)
    return token, next_url


def test_a_second_viewer_gets_the_cards_without_rendering_them(client, rendered):
    author = UserFactory()
    posts = [post_create(author=author, body=f"note {i} #cards") for i in range(3)]
    client.force_login(UserFactory())
    client.get("/?tab=latest")
    assert sorted(rendered) == sorted(p.pk for p in posts)
    client.force_login(UserFactory())
    page = client.get("/?tab=latest").content.decode()
    assert len(rendered) == 3  # nothing rendered again
    assert all(f"note {i} " in page for i in range(3))


def test_a_cached_card_carries_this_requests_token_and_address(rendered):
    post = post_create(author=UserFactory(), body="like me #cards")
    reader = UserFactory()
    first = _csrf_client(UserFactory())
    first.get("/?tab=latest")
    client = _csrf_client(reader)
    page = client.get("/tags/cards/").content.decode()
    assert rendered == [post.pk]  # the second page used the first one's card
    assert "\x00" not in page
    token, next_url = _like_form(page, post.pk)
    assert next_url == f"/tags/cards/#post-{post.pk}"
    answer = client.post(f"/posts/{post.pk}/like/", {"csrfmiddlewaretoken": token, "undo": "0"})
    assert answer.status_code == 302
    assert post.likes.filter(user=reader).exists()


def test_a_like_gives_the_liker_a_filled_heart_and_everyone_the_new_count(client):
    post = post_create(author=UserFactory(), body="count me #cards")
    liker, other = UserFactory(), UserFactory()
    client.force_login(other)
    client.get("/?tab=latest")
    like_create(user=liker, post=post)
    client.force_login(liker)
    mine = client.get("/?tab=latest").content.decode()
    assert 'aria-pressed="true"' in mine and "<span data-count>1</span>" in mine
    client.force_login(other)
    theirs = client.get("/?tab=latest").content.decode()
    assert 'aria-pressed="false"' in theirs and "<span data-count>1</span>" in theirs


def test_an_edit_renders_the_card_again(client, rendered):
    author = UserFactory()
    post = post_create(author=author, body="first words #cards")
    client.get("/?tab=latest")
    post_edit(post=post, editor=author, body="second words #cards")
    page = client.get("/?tab=latest").content.decode()
    assert rendered == [post.pk, post.pk]
    assert "second words" in page and "first words" not in page


def test_a_badge_detail_reaches_the_author_only(client, monkeypatch):
    from square.project import hooks

    author = UserFactory()
    post = post_create(author=author, body="badge me #cards")
    badge = Badge(text="counts", detail="only the author reads this")
    monkeypatch.setattr(hooks, "card_badge_providers", [lambda posts, viewer: {post.pk: [badge]}])
    client.force_login(UserFactory())
    theirs = client.get("/?tab=latest").content.decode()
    client.force_login(author)
    mine = client.get("/?tab=latest").content.decode()
    assert "counts" in theirs and "only the author reads this" not in theirs
    assert "only the author reads this" in mine


def test_anonymous_readers_get_a_login_link_and_no_form(client):
    post = post_create(author=UserFactory(), body="read me #cards")
    page = client.get("/?tab=latest").content.decode()
    assert f"/accounts/login/?next=/posts/{post.pk}/" in page
    card = re.search(rf'<article[^>]*id="post-{post.pk}".*?</article>', page, re.S).group(0)
    assert "csrfmiddlewaretoken" not in card and "<form" not in card


def test_a_cached_card_matches_the_card_rendered_in_the_page(rf):
    """The cache changes nothing in the HTML but the token: the same partial, rendered
    with the request as any other template, gives the same card."""
    from django.template.loader import render_to_string

    from square import selectors

    viewer = UserFactory()
    post = post_create(author=UserFactory(), body="same html #cards @nobody https://e.com/x")
    like_create(user=viewer, post=post)
    request = rf.get("/?tab=latest")
    request.user = viewer
    posts = list(selectors.posts_for_display(Post.objects.filter(pk=post.pk)))
    selectors.cards_prefetch(posts)
    liked = {post.pk}
    (cached,) = cards.cards_render(
        request=request, posts=posts, liked_ids=liked, badges={}, extra={}
    )
    direct = render_to_string(
        cards.CARD_TEMPLATE,
        {"post": posts[0], "liked_ids": liked, "badges": {}, "user": viewer},
        request=request,
    )
    mask = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+')
    assert mask.sub(r"\1-", str(cached)) == mask.sub(r"\1-", direct)
