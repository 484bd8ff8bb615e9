"""The public campaign pages, the badges on post cards, the compose counter's data and
the home page's New Voices strip."""

import re
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from campaigns.models import Campaign, Entry, Prize, RewardTier
from campaigns.tests.factories import distinct_text, entry_text
from campaigns.views import pages
from square.services.posts import post_create
from square.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TAG = "我的2026第一帖"
ALIASES = ["我的2026第一条帖", "我的2026第一條帖"]
CN = dt_timezone(timedelta(hours=8))


def valid_text() -> str:
    """A valid entry's text: 30 字, a new one on every call (posts of their own)."""
    return entry_text(TAG)


def short_text() -> str:
    """A tagged text of 24 of 30 字, a new one on every call."""
    return entry_text(TAG, length=24)


def make_campaign(slug="new-year", *, starts_at=None, ends_at=None, **fields) -> Campaign:
    now = timezone.now()
    return Campaign.objects.create(
        slug=slug,
        title=fields.pop("title", "新年第一帖"),
        hashtag=fields.pop("hashtag", TAG),
        aliases=fields.pop("aliases", list(ALIASES)),
        starts_at=starts_at or now - timedelta(days=1),
        ends_at=ends_at or now + timedelta(days=5),
        **fields,
    )


def member(username: str, *, joined_long_ago=False, **fields):
    user = UserFactory(username=username, **fields)
    if joined_long_ago:  # an established member: posted before any campaign began
        post_create(author=user, body="hello", created_at=timezone.now() - timedelta(days=90))
    return user


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english(settings):
    """Assertions read the English msgids: pages default to English unless a test asks
    for Chinese (translations are added later and must not break these tests)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def live():
    campaign = make_campaign(title_en="My first post of 2026", description="中文说明")
    tier = RewardTier.objects.create(
        campaign=campaign,
        slug="lucky",
        name="幸运大奖",
        name_en="Lucky prize",
        kind="lucky_post_draw",
        winners=1,
    )
    Prize.objects.create(
        tier=tier,
        slug="voucher",
        kind="voucher",
        label="体验券",
        label_en="Voucher",
        amount="2026.00",
        currency="USDT",
    )
    return campaign


@pytest.fixture
def alice():
    return member("alice")


@pytest.fixture
def bob():
    return member("bob", joined_long_ago=True)


# --- the pages ---------------------------------------------------------------------------


def test_list_shows_current_and_past_but_not_drafts(client, live):
    past = make_campaign(
        "last-year",
        title="去年的活动",
        starts_at=timezone.now() - timedelta(days=400),
        ends_at=timezone.now() - timedelta(days=380),
    )
    make_campaign("secret", title="草稿活动", status=Campaign.Status.DRAFT)
    response = client.get(reverse("campaigns:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert live.get_absolute_url() in html and past.get_absolute_url() in html
    assert "草稿活动" not in html
    assert html.index("My first post of 2026") < html.index("去年的活动")
    assert "Past campaigns" in html


def test_each_page_is_200_and_drafts_and_unknown_slugs_are_404(client, live):
    draft = make_campaign("secret", status=Campaign.Status.DRAFT)
    for name in ("detail", "leaderboard", "new_voices"):
        assert client.get(reverse(f"campaigns:{name}", args=[live.slug])).status_code == 200
        assert client.get(reverse(f"campaigns:{name}", args=[draft.slug])).status_code == 404
        assert client.get(reverse(f"campaigns:{name}", args=["nope"])).status_code == 404


def test_the_top_bar_links_to_the_campaigns(client):
    assert reverse("campaigns:list") in client.get("/").content.decode()


def test_rules_show_the_window_in_utc8_with_both_ends_and_every_rule(client):
    campaign = make_campaign(
        starts_at=datetime(2025, 12, 31, 18, 0, 0, tzinfo=CN),
        ends_at=datetime(2026, 1, 15, 23, 59, 59, tzinfo=CN),
        min_chars=30,
        min_distinct_chars=10,
    )
    text = visible_text(client.get(campaign.get_absolute_url()).content.decode())
    assert "2025-12-31 18:00:00 – 2026-01-15 23:59:59 (UTC+8)" in text
    assert "both ends included" in text
    assert f"#{TAG}" in text and "#我的2026第一条帖" in text and "#我的2026第一條帖" in text
    assert "At least 30 字" in text and "At least 10 different" in text
    assert "links, #tags, @mentions, emoji and punctuation are not counted" in text
    assert "Staff accounts cannot take part" in text and "洗稿" in text
    assert "Post now" not in text  # ended: no button


def test_live_page_has_countdown_button_prizes_and_figures(client, live, alice, bob):
    post_create(author=alice, body=valid_text())
    post_create(author=bob, body=valid_text())
    response = client.get(live.get_absolute_url())
    html = response.content.decode()
    assert "data-countdown=" in html and "Ends in" in html
    assert 'href="/compose/?tag=%E6%88%91%E7%9A%842026%E7%AC%AC%E4%B8%80%E5%B8%96"' in html
    assert "Lucky prize" in html and "Voucher" in html and "2026 USDT" in html
    assert response.context["figures"] == {"posts": 2, "participants": 2, "newcomers": 1}


def test_upcoming_page_counts_down_to_the_start_without_a_button(client):
    campaign = make_campaign(
        starts_at=timezone.now() + timedelta(days=2), ends_at=timezone.now() + timedelta(days=9)
    )
    text = visible_text(client.get(campaign.get_absolute_url()).content.decode())
    assert "Starts in 1 day 23:5" in text
    assert "/compose/?tag=" not in text


def test_title_and_description_follow_the_language(client, live):
    html = client.get(live.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "My first post of 2026" in html and "Lucky prize" in html and "Voucher" in html
    assert "中文说明" in html  # no English description: the Chinese one is shown
    html = client.get(live.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "新年第一帖" in html and "My first post of 2026" not in html
    assert "幸运大奖" in html and "体验券" in html


def test_signed_in_standing_shows_rank_newcomer_and_reasons_in_words(client, live, alice, bob):
    post_create(author=bob, body=valid_text())
    post_create(author=bob, body=valid_text())
    good = post_create(author=alice, body=valid_text())
    short = post_create(author=alice, body=short_text())
    # no entry at all:
    untagged_later = post_create(author=alice, body=f"#别的话题 {distinct_text()}")
    client.force_login(alice)
    response = client.get(live.get_absolute_url())
    html = response.content.decode()
    standing = response.context["standing"]
    assert standing.valid_posts == 1 and standing.is_newcomer
    assert standing.standing.rank == 2 and standing.total_ranked == 2
    text = visible_text(html)
    assert "#2 of 2" in text
    assert "24 of 30 字" in text
    assert good.get_absolute_url() in html and short.get_absolute_url() in html
    assert untagged_later.get_absolute_url() not in html


def test_reasons_in_words_for_every_code(live, alice):
    from campaigns.presentation import reason_text

    early = Entry(campaign=live, posted_at=live.starts_at - timedelta(seconds=1), counted_chars=3)
    late = Entry(campaign=live, posted_at=live.ends_at + timedelta(seconds=1))
    assert reason_text("missing_hashtag", entry=early, campaign=live) == f"no #{TAG}"
    assert reason_text("too_short", entry=early, campaign=live) == "3 of 30 字"
    assert reason_text("low_variety", entry=early, campaign=live) == "too many repeated characters"
    assert reason_text("outside_window", entry=early, campaign=live) == (
        "posted before the campaign started"
    )
    assert reason_text("outside_window", entry=late, campaign=live) == (
        "posted after the campaign ended"
    )
    assert reason_text("deleted", campaign=live) == "deleted"
    assert reason_text("hidden", campaign=live) == "hidden by staff"
    assert "staff or deactivated" in reason_text("author_ineligible", campaign=live)
    assert reason_text("duplicate_text", campaign=live) == "duplicate_text"


# --- badges on post cards ---------------------------------------------------------------------


@pytest.mark.parametrize("where", ["latest", "topic", "detail", "profile"])
def test_badges_valid_for_everyone_and_reasons_only_for_the_author(client, live, alice, bob, where):
    good = post_create(author=alice, body=valid_text())
    short = post_create(author=alice, body=short_text())
    if where == "latest":
        urls = ["/?tab=latest"]
    elif where == "topic":
        urls = [reverse("topic", args=[TAG])]
    elif where == "profile":
        urls = [alice.get_absolute_url()]
    else:
        urls = [good.get_absolute_url(), short.get_absolute_url()]
    for viewer in (None, bob, alice):
        client.logout()
        if viewer:
            client.force_login(viewer)
        html = "".join(client.get(url).content.decode() for url in urls)
        assert html.count(f"counts for #{TAG}") == 1
        assert live.get_absolute_url() in html
        if viewer == alice:
            assert html.count("does not count for") == 1 and "24 of 30 字" in html
        else:
            assert "does not count for" not in html and "24 of 30" not in html


def test_a_plain_repost_card_shows_the_badges_of_its_original(client, live, alice, bob):
    from square.services.posts import repost_create

    original = post_create(author=alice, body=valid_text())
    repost_create(author=bob, post=original)
    html = client.get(bob.get_absolute_url()).content.decode()
    assert f"counts for #{TAG}" in html


# --- the compose counter -------------------------------------------------------------------


def test_compose_counter_data_only_while_live(client, alice):
    client.force_login(alice)
    campaign = make_campaign(
        starts_at=timezone.now() - timedelta(days=20), ends_at=timezone.now() - timedelta(days=2)
    )
    for url in ("/compose/", "/"):
        html = client.get(url).content.decode()
        assert 'id="compose-extra"' not in html and "counter.js" not in html
    Campaign.objects.filter(pk=campaign.pk).update(ends_at=timezone.now() + timedelta(days=2))
    cache.clear()
    for url in (f"/compose/?tag={TAG}", "/"):
        response = client.get(url)
        html = response.content.decode()
        assert 'id="compose-extra"' in html and "js/counter.js" in html
        data = response.context["compose_extra"]
        data = data() if callable(data) else data
        [entry] = data["campaigns"]
        assert entry["tags"] == campaign.tag_keys
        assert (entry["min_chars"], entry["min_distinct"], entry["slug"]) == (30, 10, "new-year")
        assert "字" in data["labels"]["count"]
    assert "&lt;script" not in html  # json_script escapes, nothing inline


# --- the leaderboard ------------------------------------------------------------------------


def test_leaderboard_order_and_my_highlighted_row(client, live, alice, bob):
    carol = member("carol", display_name="卡罗")
    for _ in range(3):
        post_create(author=carol, body=valid_text())
    for _ in range(2):
        post_create(author=bob, body=valid_text())
    post_create(author=alice, body=valid_text())
    client.force_login(bob)
    response = client.get(reverse("campaigns:leaderboard", args=[live.slug]))
    html = response.content.decode()
    people = [row.user_id for row, _html in response.context["rows"]]
    assert people == [carol.pk, bob.pk, alice.pk]
    assert [row.score for row, _ in response.context["rows"]] == [15, 10, 5]
    assert "卡罗" in html
    assert html.count('class="me"') == 1
    assert re.search(r'class="me"[^>]*>\s*<td class="num">2</td>', html)
    text = visible_text(html)
    assert "Updated every minute" in text
    assert "at most 30 counted" in text and "at most 10 from any one person" in text
    assert "Score = 5 × P + I" in text


def test_my_row_is_shown_below_when_outside_the_top(client, live, alice, bob, monkeypatch):
    monkeypatch.setattr(pages, "LEADERBOARD_SIZE", 1)
    post_create(author=bob, body=valid_text())
    post_create(author=bob, body=valid_text())
    post_create(author=alice, body=valid_text())
    client.force_login(alice)
    response = client.get(reverse("campaigns:leaderboard", args=[live.slug]))
    assert [r.user_id for r, _html in response.context["rows"]] == [bob.pk]
    assert response.context["mine_outside"] and response.context["mine"].rank == 2
    assert "Your place" in response.content.decode()


def test_the_board_rows_are_rendered_once_and_each_viewer_sees_their_own_row(
    client, live, alice, bob, monkeypatch
):
    from campaigns import presentation

    post_create(author=bob, body=valid_text())
    post_create(author=bob, body=valid_text())
    post_create(author=alice, body=valid_text())
    looked_up = []
    real = presentation.users_by_id
    monkeypatch.setattr(presentation, "users_by_id", lambda ids: looked_up.append(1) or real(ids))
    url = reverse("campaigns:leaderboard", args=[live.slug])
    pages = {}
    for viewer in (alice, bob, None):
        client.logout()
        if viewer:
            client.force_login(viewer)
        pages[viewer.username if viewer else ""] = client.get(url).content.decode()
    assert len(looked_up) == 1  # the rows were rendered for the first viewer only
    for name, rank in (("alice", 2), ("bob", 1)):
        assert pages[name].count('class="me"') == 1
        assert re.search(rf'class="me"[^>]*>\s*<td class="num">{rank}</td>', pages[name])
    assert 'class="me"' not in pages[""]
    assert pages[""].count(alice.name) == pages["bob"].count(alice.name) >= 1


# --- New Voices ---------------------------------------------------------------------------


def test_new_voices_lists_newcomers_first_valid_posts_newest_first(client, live, alice, bob):
    carol = member("carol")
    first = post_create(author=alice, body=valid_text())
    post_create(author=alice, body=valid_text())  # not alice's first: not listed
    post_create(author=bob, body=valid_text())  # bob posted before the start: not new
    post_create(author=carol, body=short_text())  # not valid
    carols = post_create(author=carol, body=valid_text())
    response = client.get(reverse("campaigns:new_voices", args=[live.slug]))
    assert [p.pk for p in response.context["page"].items] == [carols.pk, first.pk]
    html = response.content.decode()
    assert html.count('class="badge-new"') == 2
    assert "新年新声" in html


def test_new_voices_pages_with_the_keyset_cursor(client, live, settings):
    settings.SQUARE_FEED_PAGE_SIZE = 2
    posts = [post_create(author=member(f"n{i}"), body=valid_text()) for i in range(3)]
    url = reverse("campaigns:new_voices", args=[live.slug])
    page1 = client.get(url).context
    assert [p.pk for p in page1["page"].items] == [posts[2].pk, posts[1].pk]
    page2 = client.get(url + page1["next_url"] + "&partial=1")
    assert [p.pk for p in page2.context["page"].items] == [posts[0].pk]


@pytest.mark.parametrize(
    ("ended_days_ago", "shown"), [(-3, True), (10, True), (29, True), (31, False), (60, False)]
)
def test_home_strip_during_and_within_30_days_after(client, alice, ended_days_ago, shown):
    now = timezone.now()
    campaign = make_campaign(
        starts_at=now - timedelta(days=ended_days_ago + 10),
        ends_at=now - timedelta(days=ended_days_ago),
    )
    # A newcomer's first valid post, inside the window.
    at = campaign.starts_at + timedelta(hours=1)
    post = post_create(author=alice, body=valid_text(), created_at=at)
    assert Entry.objects.get(post=post).valid
    cache.clear()
    html = client.get("/?tab=latest").content.decode()
    strip_link = reverse("campaigns:new_voices", args=[campaign.slug])
    assert (strip_link in html) is shown
    assert (f'href="{post.get_absolute_url()}"><b>alice</b>' in html) is shown


def test_home_strip_not_shown_before_the_start(client):
    make_campaign(
        starts_at=timezone.now() + timedelta(days=1), ends_at=timezone.now() + timedelta(days=3)
    )
    assert "camp-strip" not in client.get("/").content.decode()


# --- query counts ---------------------------------------------------------------------------


def _rank_people(campaign, n):
    for _ in range(n):
        post_create(author=UserFactory(), body=valid_text())


@pytest.mark.parametrize("n", [1, 100])
def test_campaign_pages_have_bounded_queries(client, live, alice, n, django_assert_max_num_queries):
    _rank_people(live, n)
    post_create(author=alice, body=valid_text())
    post_create(author=alice, body=short_text())
    # Anonymous detail: campaign, tiers, prizes, figures = 4.
    cache.clear()
    with django_assert_max_num_queries(4):
        assert client.get(live.get_absolute_url()).status_code == 200
    # Anonymous leaderboard: campaign, the board's top and total, the 100 people = 4.
    cache.clear()
    with django_assert_max_num_queries(4):
        response = client.get(reverse("campaigns:leaderboard", args=[live.slug]))
    assert len(response.context["rows"]) == min(n + 1, 100)
    # New Voices: campaign, posts (+ images, mentions, originals' images and mentions),
    # badges = 7.
    cache.clear()
    with django_assert_max_num_queries(7):
        response = client.get(reverse("campaigns:new_voices", args=[live.slug]))
    assert len(response.context["page"].items) == min(n + 1, 20)
    client.force_login(alice)
    # Signed in: + session, user, unread badge; detail + my entries, the board's top and
    # total, and my row with its rank.
    cache.clear()
    with django_assert_max_num_queries(4 + 3 + 4):
        response = client.get(live.get_absolute_url())
    assert response.context["standing"].valid_posts == 1
    cache.clear()  # + session, user, unread badge, and my row with its rank
    with django_assert_max_num_queries(4 + 3 + 1):
        response = client.get(reverse("campaigns:leaderboard", args=[live.slug]))
    assert response.context["mine"] is not None
    cache.clear()
    with django_assert_max_num_queries(7 + 4):
        client.get(reverse("campaigns:new_voices", args=[live.slug]))
