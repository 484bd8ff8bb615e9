"""The winners' side: /me/rewards/ (codes, addresses, featured slots), the "you won"
notification, and the home page's 推荐 Featured slot, 精选 Picks and card badges."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from campaigns.forms import AddressForm
from campaigns.models import Award, AwardItem, ShippingAddress
from campaigns.services import award_disqualify, campaign_close, draw_run, results_publish
from campaigns.tests.factories import (
    RECORDED,
    WINDOW_END,
    WINDOW_START,
    CampaignFactory,
    PrizeFactory,
    RewardTierFactory,
    entry_post,
    like_at,
    member,
)

pytestmark = pytest.mark.django_db

ADDRESS = {
    "name": "林小雨",
    "phone": "+86 138 0000 0000",
    "address": "上海市浦东新区世纪大道 1 号",
    "postcode": "200120",
    "country": "中国",
}
REWARDS = "/me/rewards/"


def moments():
    """The New-Year window, which pins the recorded beacon's round (its draw takes a real
    beacon), closed and drawn recently, so featured slots (from the draw on) are active."""
    now = timezone.now().replace(microsecond=0)
    return {
        "start": WINDOW_START,
        "end": WINDOW_END,
        "close": now - timedelta(days=2),
        "draw": now - timedelta(days=2) + timedelta(hours=2),
        "publish": now - timedelta(days=1),
    }


def build(tiers=1, featured=True, publish=True):
    """A campaign whose only entrant (the winner) has six valid posts with 5…0 likes.
    Tier "lucky" (a post draw) gives a voucher, a gift box and the home-page slot;
    tier "top" (the leaderboard) gives Picks; `tiers - 1` more leaderboard tiers give
    a voucher and a parcel each (for the query counts). Closed, drawn, published."""
    at = moments()
    campaign = CampaignFactory(
        title="新年第一帖", title_en="My first post", starts_at=at["start"], ends_at=at["end"]
    )
    lucky = RewardTierFactory(
        campaign=campaign, slug="lucky", kind="lucky_post_draw", winners=1,
        name="幸运大奖", name_en="Lucky prize",
    )  # fmt: skip
    PrizeFactory(tier=lucky, kind="voucher", amount="2026.00", currency="USDT", label="2026U")
    PrizeFactory(tier=lucky, kind="physical", label="新年礼盒", label_en="Gift box")
    if featured:
        PrizeFactory(tier=lucky, kind="featured_home", label="首页推荐", duration_days=365)
        top = RewardTierFactory(campaign=campaign, slug="top", kind="leaderboard", winners=1)
        PrizeFactory(tier=top, kind="featured_posts", label="精选", quantity=5, duration_days=30)
    for i in range(tiers - 1):
        extra = RewardTierFactory(campaign=campaign, slug=f"x{i}", kind="leaderboard", winners=1)
        PrizeFactory(tier=extra, voucher=True)
        PrizeFactory(tier=extra, kind="physical")
    winner = member(username="winner")
    fans = [member() for _ in range(5)]
    posts = []
    for i in range(6):
        post = entry_post(winner, at=at["start"] + timedelta(hours=1 + i))
        for fan in fans[: 5 - i]:
            like_at(fan, post)
        posts.append(post)
    campaign_close(campaign=campaign, now=at["close"])
    campaign = draw_run(campaign=campaign, beacon=RECORDED, now=at["draw"])
    if publish:
        campaign = results_publish(campaign=campaign, now=at["publish"])
    cache.clear()
    return campaign, winner, posts


def lucky_award(winner):
    return Award.objects.get(user=winner, tier__slug="lucky")


def voucher_of(award):
    return award.items.get(prize__kind="voucher")


# --- /me/rewards/ ------------------------------------------------------------------------


def test_the_winner_sees_code_amount_and_expiry(client):
    _campaign, winner, _posts = build()
    item = voucher_of(lucky_award(winner))
    client.force_login(winner)
    html = client.get(REWARDS, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<code class="voucher-code"' in html and item.code in html
    assert "2026 USDT" in html
    local = timezone.localtime(item.expires_at)
    assert f"{local:%Y-%m-%d %H:%M:%S}</time> (UTC+8)" in html
    assert "My first post" in html and "Lucky prize" in html
    zh = client.get(REWARDS, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "新年第一帖" in zh and "幸运大奖" in zh and item.code in zh


def test_the_rewards_page_needs_a_login(client):
    response = client.get(REWARDS)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_others_see_nothing_and_get_404_for_the_address(client):
    _campaign, winner, _posts = build()
    award = lucky_award(winner)
    client.force_login(member(username="someone"))
    html = client.get(REWARDS).content.decode()
    assert voucher_of(award).code not in html
    response = client.post(reverse("my_reward_address", args=[award.pk]), ADDRESS)
    assert response.status_code == 404
    assert "林小雨" not in response.content.decode()
    assert not ShippingAddress.objects.exists()


def test_nothing_is_shown_before_publication(client):
    _campaign, winner, _posts = build(publish=False)
    award = lucky_award(winner)
    client.force_login(winner)
    html = client.get(REWARDS).content.decode()
    assert voucher_of(award).code not in html
    assert 'id="award-' not in html
    response = client.post(reverse("my_reward_address", args=[award.pk]), ADDRESS)
    assert response.status_code == 404


def test_the_address_form_saves(client):
    _campaign, winner, _posts = build()
    award = lucky_award(winner)
    client.force_login(winner)
    html = client.get(REWARDS).content.decode()
    assert f'action="/me/rewards/{award.pk}/address/"' in html
    response = client.post(f"/me/rewards/{award.pk}/address/", ADDRESS)
    assert response.status_code == 302
    assert response["Location"] == f"{REWARDS}#award-{award.pk}"
    saved = ShippingAddress.objects.get(award=award)
    assert (saved.name, saved.country, saved.postcode) == ("林小雨", "中国", "200120")
    html = client.get(REWARDS, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "not been shipped yet" in html and 'value="林小雨"' in html


def test_address_errors_are_shown_on_their_fields_and_nothing_is_saved(client):
    _campaign, winner, _posts = build()
    award = lucky_award(winner)
    client.force_login(winner)
    bad = {**ADDRESS, "name": "  ", "country": ""}
    response = client.post(f"/me/rewards/{award.pk}/address/", bad, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    html = response.content.decode()
    assert "The address was not saved" in html
    form = next(a.form for a in response.context["awards"] if a.pk == award.pk)
    assert set(form.errors) == {"name", "country"}
    assert html.count("This field is required.") == 2
    assert 'value="+86 138 0000 0000"' in html  # what was typed is kept
    assert not ShippingAddress.objects.exists()


def test_service_errors_reach_the_form(client):
    """What only the service refuses (a delivered parcel) comes back on the form too."""
    _campaign, winner, _posts = build()
    award = lucky_award(winner)
    client.force_login(winner)
    form = AddressForm(data=ADDRESS)
    assert form.is_valid()
    Award.objects.filter(pk=award.pk).update(status="delivered")
    response = client.post(f"/me/rewards/{award.pk}/address/", ADDRESS, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert not ShippingAddress.objects.exists()


def test_revoked_awards_show_no_code(client):
    _campaign, winner, _posts = build()
    award = lucky_award(winner)
    code = voucher_of(award).code
    award_disqualify(award=award, reason="duplicate account")
    client.force_login(winner)
    html = client.get(REWARDS, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Revoked" in html
    assert code not in html
    assert "duplicate account" not in html
    response = client.post(f"/me/rewards/{award.pk}/address/", ADDRESS)
    assert response.status_code == 400  # the service refuses a revoked award
    assert not ShippingAddress.objects.exists()


def test_featured_items_say_until_when(client):
    _campaign, winner, _posts = build()
    client.force_login(winner)
    html = client.get(REWARDS, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    home = AwardItem.objects.get(prize__kind="featured_home")
    local = timezone.localtime(home.active_until)
    assert "Your post is featured on the home page until" in html
    assert f"{local:%Y-%m-%d %H:%M:%S}" in html


@pytest.mark.parametrize("tiers", [1, 10])
def test_rewards_query_count_does_not_grow(client, django_assert_max_num_queries, tiers):
    _campaign, winner, _posts = build(tiers=tiers, featured=False)
    assert Award.objects.filter(user=winner).count() == tiers
    client.force_login(winner)
    # session, user, awards (with campaign, tier, post, address), items (with prizes),
    # the unread badge.
    with django_assert_max_num_queries(5):
        response = client.get(REWARDS)
    assert response.status_code == 200
    assert response.content.decode().count('class="voucher-code"') == tiers


# --- the notification ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "words"),
    [("zh-hans", ("幸运大奖", "新年第一帖")), ("en", ("Lucky prize", "My first post"))],
)
def test_the_award_notification_links_to_the_rewards(client, language, words):
    _campaign, winner, _posts = build(featured=False)
    client.force_login(winner)
    html = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'href="{REWARDS}"' in html
    for word in words:
        assert word in html


# --- the home page ------------------------------------------------------------------------


def test_the_home_page_shows_the_featured_slot_and_the_picks(client):
    _campaign, winner, posts = build()
    lucky_post = lucky_award(winner).post
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "推荐 Featured" in html and "精选 Picks" in html
    featured = html.split('class="card camp-featured"')[1].split("</section>")[0]
    assert lucky_post.get_absolute_url() in featured
    picks = html.split('class="card camp-picks"')[1].split("</section>")[0]
    for post in posts[:5]:  # the five with the most likes
        assert f'href="{post.get_absolute_url()}"' in picks
    assert f'href="{posts[5].get_absolute_url()}"' not in picks


def test_nothing_is_featured_after_active_until(client, clock):
    build()
    later = AwardItem.objects.filter(active_until__isnull=False).order_by("-active_until")[0]
    clock(later.active_until + timedelta(seconds=1))
    html = client.get("/").content.decode()
    assert "camp-featured" not in html and "camp-picks" not in html


def test_picks_end_before_the_featured_slot(client, clock):
    """Each prize shows for its own duration (30 days for the picks, 365 for the slot)."""
    build()
    picks_until = AwardItem.objects.get(prize__kind="featured_posts").active_until
    clock(picks_until + timedelta(seconds=1))
    html = client.get("/").content.decode()
    assert "camp-featured" in html and "camp-picks" not in html


def test_nothing_is_featured_before_publication_nor_for_revoked_awards(client):
    _campaign, winner, _posts = build(publish=False)
    assert "camp-featured" not in client.get("/").content.decode()
    results_publish(campaign=_campaign)
    award_disqualify(award=lucky_award(winner), reason="cheating")
    cache.clear()
    html = client.get("/").content.decode()
    assert "camp-featured" not in html and "camp-picks" in html


def test_featured_posts_carry_a_badge(client):
    _campaign, winner, posts = build()
    lucky_post = lucky_award(winner).post
    html = client.get("/?tab=latest").content.decode()
    badged = {
        post.pk
        for post in posts
        if "精选" in html.split(f'id="post-{post.pk}"')[1].split("</article>")[0]
    }
    assert badged == {p.pk for p in posts[:5]} | {lucky_post.pk}
