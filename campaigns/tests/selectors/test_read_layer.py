"""The campaigns read layer: selectors read and never ask for work, and take their
inputs as keywords (`viewer`, `base_url`), never the HttpRequest."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from campaigns.models import Score
from campaigns.selectors.ranking import board_cached
from campaigns.selectors.results import results_data, results_page
from campaigns.services.leaderboard import leaderboard_serve
from campaigns.tests.factories import CampaignFactory, entry_post, four_tier_campaign, member
from campaigns.tests.selectors.test_results import published

pytestmark = pytest.mark.django_db


@pytest.fixture
def unbuilt_campaign():
    """A live campaign with one valid entry whose live rows were never built."""
    campaign = CampaignFactory(live=True)
    entry_post(member(), at=timezone.now() - timedelta(hours=1))
    Score.objects.all().delete()
    return campaign


def test_the_selector_reads_without_asking_for_work(unbuilt_campaign, refreshes):
    assert board_cached(unbuilt_campaign).total == 0
    assert refreshes == []
    cache.clear()
    assert leaderboard_serve(campaign=unbuilt_campaign).total == 0  # the service asks, once
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
