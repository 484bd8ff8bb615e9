"""The campaigns read layer: selectors read and never ask for work, and take their
inputs as keywords (`viewer`, `base_url`), never the HttpRequest."""

import dataclasses
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from campaigns.selectors.ranking import board_cached
from campaigns.selectors.results import results_data, results_page
from campaigns.services.leaderboard import leaderboard_serve
from campaigns.tests.factories import CampaignFactory, entry_post, four_tier_campaign, member
from campaigns.tests.selectors.test_results import published

pytestmark = pytest.mark.django_db


@pytest.fixture
def stale_campaign():
    """A live campaign with one ranked person whose stored board is two minutes old."""
    campaign = CampaignFactory(live=True)
    entry_post(member(), at=timezone.now() - timedelta(hours=1))
    board = board_cached(campaign)
    old = dataclasses.replace(board, version=board.version - 120 * 1_000_000_000)
    cache.set(f"campaigns:board:{campaign.pk}", old)
    return campaign, old


def test_the_selector_serves_a_stale_board_without_asking_for_a_refresh(stale_campaign, refreshes):
    campaign, old = stale_campaign
    assert board_cached(campaign) == old
    assert refreshes == []
    assert leaderboard_serve(campaign=campaign) == old  # the pages' service asks, once
    assert len(refreshes) == 1


def test_the_campaign_page_asks_for_a_refresh_of_a_stale_board(client, stale_campaign, refreshes):
    campaign, _old = stale_campaign
    client.force_login(member())
    assert client.get(campaign.get_absolute_url()).status_code == 200
    assert len(refreshes) == 1


def test_results_are_read_with_keywords_and_a_base_url():
    campaign = published(four_tier_campaign()[0])
    with pytest.raises(TypeError):
        results_data(campaign)  # the request-shaped positional call is gone
    data = results_data(campaign=campaign, base_url="https://square.example")
    assert all(t["list_url"].startswith("https://square.example/") for t in data["tiers"])
    assert results_data(campaign=campaign)["tiers"][0]["list_url"].startswith("/")
    page = results_page(campaign=campaign, viewer=None, base_url="https://square.example")
    assert page.winners_shown and page.data == data
