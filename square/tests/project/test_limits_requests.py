"""Requests anyone can make stay cheap (issue 15): a Hot cursor never runs the ranking's
SQL, and the page's own address carried in forms and links is bounded."""

import re

import pytest
from django.test import Client

from square import selectors
from square.addresses import VALUE_MAX, next_page_query, page_address
from square.models import Notification
from square.selectors import hot
from square.services.interactions import like_create
from square.tests.factories import PostFactory, ServicePostFactory, UserFactory, hot_posts

pytestmark = pytest.mark.django_db


@pytest.fixture
def rankings(monkeypatch):
    """Counts the rankings taken by SQL (`feed_hot`) while the test runs."""
    taken = []
    real = hot.feed_hot

    def spy(**kwargs):
        taken.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(hot, "feed_hot", spy)
    return taken


def _forged(first_cursor: str, *, micros_delta: int = 0, score=None, pk=None) -> str:
    micros, real_score, real_pk = first_cursor.split("_")
    return "_".join(
        (
            str(int(micros) + micros_delta),
            real_score if score is None else score,
            real_pk if pk is None else str(pk),
        )
    )


@pytest.mark.parametrize(
    "change",
    [
        {"micros_delta": -1},  # a moment no ranking was taken at
        {"micros_delta": -(10**12)},  # long gone
        {"score": "0.0", "pk": 1},  # beyond the cached list (was: SQL from that point)
        {"pk": 10**9},  # a post the ranking does not hold
    ],
    ids=["uncached-moment", "old-moment", "past-the-list", "unknown-post"],
)
def test_a_forged_hot_cursor_answers_the_first_page_without_ranking(
    rankings, change, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(hot, "HOT_CACHED", 5)  # the window holds more than the list
    hot_posts(12)
    first = selectors.hot_page(cursor=None, size=4)
    assert len(rankings) == 1  # the first page took the ranking
    forged = _forged(first.next_cursor, **change)
    with django_assert_max_num_queries(1):  # the page's posts: no ranking, no SQL walk
        page = selectors.hot_page(cursor=forged, size=4)
    assert len(rankings) == 1
    assert [p.pk for p in page.items] == [p.pk for p in first.items]
    assert page.next_cursor == first.next_cursor


def test_a_forged_cursor_on_the_home_page_shows_the_first_page(client, rankings):
    hot_posts(30)
    first = client.get("/").context["page"]
    forged = _forged(first.next_cursor, micros_delta=-123)
    response = client.get("/", {"tab": "hot", "cursor": forged})
    assert response.status_code == 200 and len(rankings) == 1
    assert [p.pk for p in response.context["page"].items] == [p.pk for p in first.items]


def test_a_genuine_cursor_still_turns_the_page(rankings):
    hot_posts(12)
    first = selectors.hot_page(cursor=None, size=4)
    second = selectors.hot_page(cursor=first.next_cursor, size=4)
    assert not {p.pk for p in first.items} & {p.pk for p in second.items}
    assert len(second.items) == 4 and len(rankings) == 1


def test_a_broken_hot_cursor_is_still_a_400(client):
    hot_posts(2)
    assert client.get("/", {"cursor": "1_nan_3"}).status_code == 400


# --- the page's own address in forms and links ----------------------------------------------

PAD = "x" * 60_000


def test_a_60_kb_parameter_is_not_copied_into_the_page(client, user):
    for i in range(25):  # a full page of cards, and a next page
        PostFactory(author=UserFactory(), body=f"card {i}")
    client.force_login(user)
    response = client.get("/", {"tab": "latest", "pad": PAD})
    html = response.content.decode()
    assert response.status_code == 200
    assert "xxxxxxxxxx" not in html and "pad=" not in html
    assert len(response.content) < 200_000  # was 1.39 MB: the pad in each card's form
    # The known parameters still round-trip: the like forms, the language switch, load more.
    assert html.count('name="next" value="/?tab=latest#post-') == 20
    assert 'name="next" value="/?tab=latest"' in html  # the language switch
    assert re.search(r'href="\?tab=latest&amp;cursor=\d+_\d+"', html)


def test_a_known_parameter_keeps_one_bounded_value(rf):
    request = rf.get("/search/", {"q": ["first", "y" * 5_000], "cursor": "1_2", "partial": "1"})
    assert page_address(request) == "/search/?q=" + "y" * VALUE_MAX
    assert next_page_query(request, "9_9") == "?q=" + "y" * VALUE_MAX + "&cursor=9_9"


@pytest.mark.parametrize(
    ("path", "params", "address"),
    [
        ("/", {"tab": "following", "junk": "1"}, "/?tab=following"),
        ("/search/", {"utm": "a", "q": "a&b c", "cursor": "5_6"}, "/search/?q=a%26b+c"),
        ("/compose/", {"tag": "新年"}, "/compose/?tag=%E6%96%B0%E5%B9%B4"),
        ("/posts/3/history/", {"page": "2"}, "/posts/3/history/?page=2"),
        ("/tags/新年/", {"x": "y"}, "/tags/%E6%96%B0%E5%B9%B4/"),
    ],
)
def test_the_safe_next_is_the_path_and_the_known_parameters(rf, path, params, address):
    assert page_address(rf.get(path, params)) == address


def test_search_load_more_carries_the_query_and_not_the_pad(client, user):
    for i in range(25):
        ServicePostFactory(author=user, body=f"needle {i}")  # indexed for search as it posts
    html = client.get("/search/", {"q": "needle", "pad": PAD}).content.decode()
    assert re.search(r'href="\?q=needle&amp;cursor=\d+_\d+"', html)
    assert "xxxxxxxxxx" not in html


def test_the_like_form_sends_people_back_to_the_page_they_were_on(client, user):
    post = PostFactory(author=UserFactory(), body="like me")
    client.force_login(user)
    html = client.get("/", {"tab": "latest", "pad": PAD}).content.decode()
    next_value = re.search(rf'name="next" value="([^"]+#post-{post.pk})"', html).group(1)
    response = client.post(f"/posts/{post.pk}/like/", {"next": next_value})
    assert response["Location"] == f"/?tab=latest#post-{post.pk}"


# --- notifications: a GET only shows -----------------------------------------------------


@pytest.fixture
def noticed(user):
    """alice with three unread notices (three likes of one post: one group)."""
    post = PostFactory(author=user, body="liked")
    for _ in range(3):
        like_create(user=UserFactory(), post=post)
    return post


def _unread(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def test_opening_the_notifications_page_marks_nothing_read(client, user, noticed):
    client.force_login(user)
    for _ in range(2):  # e.g. an <img src="/notifications/"> on another site, twice
        page = client.get("/notifications/")
        assert page.status_code == 200 and page.context["page"].items[0].unread
    assert _unread(user) == 3
    html = page.content.decode()
    assert "data-unread>3<" in html  # the badge still counts them
    assert 'action="/notifications/read/"' in html and "data-mark-read" in html
    assert f'name="upto" value="{Notification.objects.latest("pk").pk}"' in html


def test_the_page_s_post_marks_read_what_it_showed(client, user, noticed):
    client.force_login(user)
    shown = client.get("/notifications/").context["newest_shown"]
    like_create(user=UserFactory(), post=noticed)  # arrives after the page was shown
    response = client.post(
        "/notifications/read/", {"upto": str(shown)}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200 and response.json() == {"unread": "1"}
    assert _unread(user) == 1  # the newer one stays new
    assert "data-unread>1<" in client.get("/?tab=latest").content.decode()


def test_the_button_without_script_marks_all_and_comes_back(client, user, noticed):
    client.force_login(user)
    response = client.post("/notifications/read/")
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    assert _unread(user) == 0
    html = client.get("/notifications/").content.decode()
    assert "data-unread" not in html and "data-mark-read" not in html


@pytest.mark.parametrize("upto", ["²", "-1", "1.5", "٣", "9" * 40])
def test_a_bad_upto_is_refused_and_marks_nothing(client, user, noticed, upto):
    client.force_login(user)
    assert client.post("/notifications/read/", {"upto": upto}).status_code == 400
    assert _unread(user) == 3


def test_marking_read_is_a_post_by_the_member(client, user, noticed):
    assert client.post("/notifications/read/").status_code == 302  # to the login page
    assert _unread(user) == 3
    client.force_login(user)
    assert client.get("/notifications/read/").status_code == 405
    assert _unread(user) == 3


def test_marking_read_needs_the_csrf_token(user, noticed):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post("/notifications/read/").status_code == 403
    assert _unread(user) == 3


def test_one_members_post_marks_only_their_own(client, user, noticed):
    bob = UserFactory()
    like_create(user=user, post=PostFactory(author=bob))
    client.force_login(user)
    client.post("/notifications/read/")
    assert _unread(bob) == 1
