"""Signed-in campaign pages with the campaigns kept per process (issue 18, part 3): at
most four queries warm, and every save of a campaign, tier or prize — by the admin or
a service — shows on the next request, on this app server and on another (simulated
by forgetting what this process keeps while the shared version stays)."""

import pytest
from django.core.cache import caches
from django.urls import reverse

from campaigns.models import Campaign, Prize, RewardTier
from campaigns.selectors import campaign_by_slug
from campaigns.selectors.pages import campaign_public
from campaigns.tests.factories import (
    CampaignFactory,
    PrizeFactory,
    RewardTierFactory,
    entry_text,
    member,
)
from square.project import caching
from square.services.posts import post_create

pytestmark = pytest.mark.django_db

WARM_QUERIES = 4


def _another_server_meanwhile() -> None:
    caches["template_fragments"].clear()
    caching._local.clear()


@pytest.fixture
def live():
    """A live campaign with one tier and its prize (titles in Chinese: the pages' default
    language)."""
    campaign = CampaignFactory(live=True, title="新年第一帖")
    PrizeFactory(tier=RewardTierFactory(campaign=campaign, name="幸运大奖"), label="体验券")
    return campaign


@pytest.fixture
def signed_in(client, settings, live):
    """A participant with one valid entry, signed in with production's session engine."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    alice = member(username="alice")
    post_create(author=alice, body=entry_text())
    client.force_login(alice)
    return client


@pytest.mark.parametrize("name", ["detail", "new_voices", "results"])
def test_a_warm_signed_in_campaign_page_costs_at_most_four_queries(
    signed_in,
    live,
    name,
    django_assert_max_num_queries,
):
    url = reverse(f"campaigns:{name}", args=[live.slug])
    assert signed_in.get(url).status_code == 200
    with django_assert_max_num_queries(WARM_QUERIES):
        assert signed_in.get(url).status_code == 200


def test_the_campaign_row_is_not_read_while_its_version_holds(
    signed_in,
    live,
    django_assert_num_queries,
):
    """The detail page reads no campaign, tier or prize row once they are kept."""
    url = live.get_absolute_url()
    signed_in.get(url)
    with django_assert_num_queries(0):
        campaign = campaign_by_slug(slug=live.slug)
        assert [p.label for t in campaign.tiers.all() for p in t.prizes.all()] == ["体验券"]


@pytest.mark.parametrize("elsewhere", [False, True], ids=["here", "another server"])
def test_a_saved_campaign_tier_or_prize_shows_on_the_next_request(
    signed_in,
    live,
    elsewhere,
):
    url = live.get_absolute_url()
    assert "新年第一帖" in signed_in.get(url).content.decode()
    campaign = Campaign.objects.get(pk=live.pk)  # as the admin does: through the model
    campaign.title = "新的标题"
    campaign.save()
    prize = Prize.objects.get(tier__campaign=live)
    prize.label = "更大的券"
    prize.save()
    RewardTier.objects.create(
        campaign=live, slug="more", name="更多奖励", name_en="More", kind="newcomer"
    )
    if elsewhere:
        _another_server_meanwhile()
    html = signed_in.get(url).content.decode()
    assert "新的标题" in html and "更大的券" in html and "更多奖励" in html
    prize.delete()
    assert "更大的券" not in signed_in.get(url).content.decode()


def test_a_campaign_made_a_draft_again_is_gone_at_once(signed_in, live):
    url = reverse("campaigns:new_voices", args=[live.slug])
    assert signed_in.get(url).status_code == 200
    live.status = Campaign.Status.DRAFT
    live.save(update_fields=["status"])
    assert signed_in.get(url).status_code == 404
    assert signed_in.get(live.get_absolute_url()).status_code == 404


def test_what_a_request_sets_on_its_campaign_stays_in_that_request(live):
    first = campaign_public(slug=live.slug)
    first.title = "changed in one request"
    assert campaign_public(slug=live.slug).title != "changed in one request"
