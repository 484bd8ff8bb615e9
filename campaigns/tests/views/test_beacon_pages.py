"""The pinned round is public from scheduling (issue 17): on the campaign page, in
results.json and on the results page, with the three checks a sceptic makes and the
order in which each part became public."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse

from campaigns.demo.beacons import DEMO_ROUND
from campaigns.services import campaign_close, draw_run, results_publish
from campaigns.tests.factories import (
    AFTER,
    RECORDED,
    WINDOW_START,
    CampaignFactory,
    four_tier_campaign,
)

pytestmark = pytest.mark.django_db


def test_the_campaign_page_names_the_round_from_scheduling(client):
    campaign = CampaignFactory()
    url = reverse("campaigns:detail", kwargs={"slug": campaign.slug})
    zh = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").text
    assert f"drand quicknet 第 {DEMO_ROUND} 轮" in zh and "2026-01-20 11:24:48" in zh
    en = client.get(url, HTTP_ACCEPT_LANGUAGE="en").text
    assert f"drand quicknet round {DEMO_ROUND}, published at" in en
    assert "4 days 11 hours 24 minutes 49 seconds after the end" in en


def test_results_json_carries_the_pinned_beacon_before_the_draw(client):
    campaign = CampaignFactory()
    data = client.get(reverse("campaigns:results_json", args=[campaign.slug])).json()
    beacon = data["beacon"]
    assert (beacon["chain"], beacon["round"], beacon["period"]) == ("quicknet", DEMO_ROUND, 3)
    assert beacon["round_time"] == "2026-01-20T03:24:48+00:00"
    assert beacon["signature"] is None and beacon["randomness"] is None and data["entropy"] is None
    assert data["timeline"]["lists_frozen_at"] is None
    assert data["ends_at"] and data["entropy_delay_seconds"] == 386689


def test_after_publication_the_page_shows_the_beacon_the_checks_and_the_order(client):
    campaign, _people, _posts = four_tier_campaign(created_at=WINDOW_START - timedelta(days=3))
    campaign = campaign_close(campaign=campaign, now=AFTER)
    campaign = draw_run(campaign=campaign, beacon=RECORDED)
    results_publish(campaign=campaign)
    beacon = json.loads(RECORDED)
    data = client.get(reverse("campaigns:results_json", args=[campaign.slug])).json()
    assert (data["beacon"]["signature"], data["entropy"]) == (
        beacon["signature"],
        beacon["randomness"],
    )
    timeline = data["timeline"]
    assert timeline["commitment_published_at"] < timeline["beacon_round_at"]
    html = client.get(
        reverse("campaigns:results", args=[campaign.slug]), HTTP_ACCEPT_LANGUAGE="en"
    ).text
    assert beacon["signature"] in html and beacon["randomness"] in html
    assert "Three things to check" in html and "In what order it became public" in html
    # Closed on 2026-02-01, after the round (2026-01-20): said plainly, not hidden, and
    # the events are listed in the order they happened.
    assert "the lists were frozen after the beacon round was published" in html
    order = [
        html.index(words)
        for words in (
            "the commitment and the pinned round",
            "the beacon round published by drand",
            "the lists frozen and their digests published",
            "the draw, and the seed revealed",
        )
    ]
    assert order == sorted(order)
    zh = client.get(
        reverse("campaigns:results", args=[campaign.slug]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).text
    assert "值得核对的三件事" in zh
