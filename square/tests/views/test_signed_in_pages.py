"""Signed-in feed pages served from plain rows (issue 18, part 3): at most four queries
warm, no Post model built on a warm page, and what another app server changed shows
on the next request — simulated by forgetting everything this process keeps (its card
fragments and kept copies) while the shared versions stay."""

import pytest
from django.core.cache import caches
from django.db.models.signals import post_init
from django.test import override_settings

from square.models import Post
from square.project import caching
from square.services.interactions import like_create
from square.services.posts import post_create, post_edit, post_hide, repost_create
from square.tests.factories import UserFactory, moderator_user

pytestmark = pytest.mark.django_db

WARM_QUERIES = 4  # session user, the page's rows, which of them I liked, their badges
PAGES = ["/", "/?tab=latest", "/?tab=following", "/tags/common/"]


@pytest.fixture
def reader(settings):
    """A member who follows nobody but wrote a post; production's session engine."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    return UserFactory(username="reader")


@pytest.fixture
def feed(reader):
    """Twenty posts by others with #common (a quote and a plain repost among them),
    and one by the reader."""
    writer = UserFactory(username="writer")
    posts = [post_create(author=writer, body=f"text{i}x #common") for i in range(18)]
    repost_create(author=writer, post=posts[0], quote="a quote #common")
    repost_create(author=reader, post=posts[1])
    posts.append(post_create(author=reader, body="mine #common"))
    return posts


def _another_server_meanwhile() -> None:
    """What this process keeps, forgotten: as if the next request reached another app
    server, where none of it was ever kept (the shared cache stays)."""
    caches["template_fragments"].clear()
    caching._local.clear()


class PostsBuilt:
    """Counts Post instances made (the `post_init` signal fires for each)."""

    def __init__(self):
        self.count = 0

    def __call__(self, **_signal):
        self.count += 1


@pytest.mark.parametrize("path", PAGES)
def test_a_warm_signed_in_feed_costs_at_most_four_queries(
    client, reader, feed, path, django_assert_max_num_queries
):
    client.force_login(reader)
    assert client.get(path).status_code == 200  # warms the shared and kept pieces
    with django_assert_max_num_queries(WARM_QUERIES):
        response = client.get(path)
    assert response.status_code == 200
    assert response.context["cards"]


@pytest.mark.parametrize("path", PAGES)
def test_a_warm_page_builds_no_post(client, reader, feed, path):
    client.force_login(reader)
    client.get(path)
    built = PostsBuilt()
    post_init.connect(built, sender=Post)
    try:
        response = client.get(path)
    finally:
        post_init.disconnect(built, sender=Post)
    assert response.status_code == 200 and response.context["cards"]
    assert built.count == 0
    # The counter counts: a cold page renders its cards from models.
    _another_server_meanwhile()
    post_init.connect(built, sender=Post)
    try:
        client.get(path)
    finally:
        post_init.disconnect(built, sender=Post)
    assert built.count > 0


def test_an_edit_made_elsewhere_shows_on_the_next_request(client, reader, feed):
    client.force_login(reader)
    post = feed[5]
    assert "text5x" in client.get("/?tab=latest").content.decode()
    post_edit(post=post, editor=post.author, body="edited5x #common")
    _another_server_meanwhile()
    html = client.get("/?tab=latest").content.decode()
    assert "edited5x" in html and "text5x" not in html
    # And here, where the old card is still kept: its key holds the edit's time.
    post_edit(post=Post.objects.get(pk=post.pk), editor=post.author, body="again5x #common")
    assert "again5x" in client.get("/?tab=latest").content.decode()


def test_a_like_and_a_hide_made_elsewhere_show_on_the_next_request(client, reader, feed):
    client.force_login(reader)
    post = feed[7]
    html = client.get("/?tab=latest").content.decode()
    assert f'action="/posts/{post.pk}/like/"' in html and "text7x" in html
    like_create(user=reader, post=post)
    html = client.get("/?tab=latest").content.decode()
    card = html.split(f'id="post-{post.pk}"')[1].split("</article>")[0]
    assert "liked" in card and "<span data-count>1</span>" in card
    post_hide(post=post, staff=moderator_user())
    _another_server_meanwhile()
    assert "text7x" not in client.get("/?tab=latest").content.decode()


def test_own_posts_and_likes_are_the_viewers_own(client, reader, feed):
    """Cards kept for one member are not shown to another: liked and own posts are in
    the card's key."""
    client.force_login(reader)
    like_create(user=reader, post=feed[3])
    client.get("/?tab=latest")
    other = UserFactory(username="other")
    client.force_login(other)
    html = client.get("/?tab=latest").content.decode()
    card = html.split(f'id="post-{feed[3].pk}"')[1].split("</article>")[0]
    assert "liked" not in card


@pytest.mark.parametrize("path", ["/?tab=latest", "/?tab=following", "/tags/common/"])
def test_later_pages_cut_from_compiled_statements_match_the_keyset(client, reader, feed, path):
    """The compiled statements (square.selectors.prepared) page exactly as keyset_page:
    every post once, newest first, page after page (the cursor's moment and id are the
    parameters put in place of stand-ins)."""
    client.force_login(reader)
    settings_size = 7
    seen, url = [], path
    with override_settings(SQUARE_FEED_PAGE_SIZE=settings_size):
        while url:
            response = client.get(url)
            seen += [row.pk for row in response.context["page"].items]
            url = response.context["next_url"]  # "?cursor=…", relative to the page
            url = path.split("?")[0] + url if url else ""
    posts = Post.objects.filter(status="published").exclude(body="")
    if path == "/tags/common/":
        posts = posts.filter(tag_links__hashtag__key="common")
    expected = list(posts.order_by("-created_at", "-pk").values_list("pk", flat=True))
    if path == "/?tab=following":  # the reader follows nobody: their own posts and reposts
        expected = list(
            Post.objects.filter(author=reader)
            .order_by("-created_at", "-pk")
            .values_list("pk", flat=True)
        )
    assert seen == expected
