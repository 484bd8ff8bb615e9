"""The beacon round is pinned by the rules while a campaign is scheduled and fixed once
it starts (the model refuses a change); the migration gives existing campaigns theirs."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from campaigns import draw
from campaigns.models import Campaign
from campaigns.tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db
QUICKNET = draw.CHAINS["quicknet"]


def future_campaign(**fields) -> Campaign:
    start = timezone.now() + timedelta(days=10)
    return CampaignFactory(starts_at=start, ends_at=start + timedelta(days=7), **fields)


def test_a_new_campaign_gets_the_first_round_after_its_end_plus_the_delay():
    campaign = future_campaign(entropy_delay=timedelta(hours=1))
    moment = int(campaign.ends_at.timestamp()) + 3600
    assert campaign.beacon_round == draw.round_at_or_after(QUICKNET, moment)
    assert campaign.beacon_at.timestamp() >= moment > campaign.beacon_at.timestamp() - 3
    assert campaign.beacon_urls[0] == (
        f"https://api.drand.sh/{QUICKNET.chain_hash}/public/{campaign.beacon_round}"
    )


def test_before_the_start_the_rules_move_the_round():
    campaign = future_campaign(entropy_delay=timedelta(hours=1))
    first = campaign.beacon_round
    campaign.entropy_delay = timedelta(hours=2)
    campaign.save()
    assert campaign.beacon_round == first + 1200  # an hour of 3-second rounds
    campaign.beacon_chain = Campaign.BeaconChain.DEFAULT
    campaign.save()
    assert Campaign.objects.get(pk=campaign.pk).beacon_round == draw.pinned_round(
        draw.CHAINS["default"], campaign.ends_at.isoformat(), 7200
    )


@pytest.mark.parametrize(
    "change",
    [
        {"beacon_chain": Campaign.BeaconChain.DEFAULT},
        {"entropy_delay": timedelta(hours=5)},
        {"ends_at": datetime(2026, 1, 16, tzinfo=UTC)},
    ],
    ids=["chain", "delay", "end"],
)
def test_after_the_start_the_model_refuses_to_move_the_round(change):
    campaign = CampaignFactory()  # the New-Year window: started long ago
    pinned = campaign.beacon_round
    for name, value in change.items():
        setattr(campaign, name, value)
    with pytest.raises(ValidationError) as refused:
        campaign.save()
    assert refused.value.code == "beacon_pinned"
    stored = Campaign.objects.get(pk=campaign.pk)
    assert (stored.beacon_round, stored.beacon_chain) == (pinned, "quicknet")


def test_saves_that_do_not_touch_the_rules_keep_working_after_the_start():
    campaign = CampaignFactory()
    campaign.title = "renamed"
    campaign.save()
    campaign.status = Campaign.Status.CLOSED
    campaign.save(update_fields=["status"])
    assert Campaign.objects.get(pk=campaign.pk).title == "renamed"


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_campaigns_their_round():
    executor = MigrationExecutor(connection)
    executor.migrate([("campaigns", "0007_staff_roles")])
    old = executor.loader.project_state([("campaigns", "0007_staff_roles")]).apps
    ends = datetime(2026, 1, 15, 15, 59, 59, tzinfo=UTC)
    old.get_model("campaigns", "Campaign").objects.create(
        slug="before", title="t", hashtag="tag", starts_at=ends - timedelta(days=15),
        ends_at=ends, entropy_source="a Bitcoin block", entropy_delay_minutes=90,
    )  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    campaign = Campaign.objects.get(slug="before")
    assert campaign.beacon_chain == "quicknet"
    assert campaign.entropy_delay == timedelta(minutes=90)
    assert campaign.beacon_round == draw.round_at_or_after(
        QUICKNET, int(ends.timestamp()) + 90 * 60
    )
