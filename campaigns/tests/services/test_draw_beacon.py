"""The draw takes the pinned round's real beacon or refuses (issue 17): `hello`, a random
hex string, another round's beacon, a changed signature and broken JSON are each refused
with the check that failed, leave no award, tier draw or "draw" event, and are recorded
in the campaign's audit log as a refused attempt."""

import hashlib
import json
import secrets
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from campaigns.demo.beacons import DEMO_ROUND, delay_to, recorded
from campaigns.models import AuditEvent, Award, Campaign, TierDraw
from campaigns.services import campaign_close, draw_run
from campaigns.tests.factories import AFTER, RECORDED, CampaignFactory, four_tier_campaign

pytestmark = pytest.mark.django_db


def _changed_signature() -> str:
    beacon = json.loads(RECORDED)
    signature = beacon["signature"][:-2] + f"{int(beacon['signature'][-2:], 16) ^ 1:02x}"
    randomness = hashlib.sha256(bytes.fromhex(signature)).hexdigest()
    return json.dumps({**beacon, "signature": signature, "randomness": randomness})


REFUSED = {
    "hello": ("hello", "malformed", "This is not a drand beacon"),
    "random-hex": (secrets.token_hex(32), "malformed", "This is not a drand beacon"),
    "broken-json": ('{"round": 25358708, "signature": ', "malformed", "This is not a drand beacon"),
    "other-round": (recorded("quicknet", 25563182), "round",
                    "This beacon is round 25563182; the rules pinned this draw to round 25358708."),
    "wrong-randomness": (json.dumps({**json.loads(RECORDED), "randomness": "ab" * 32}),
                         "randomness", "randomness is not the SHA-256 of its signature"),
    "changed-signature": (_changed_signature(), "signature",
                          "signature does not verify against the quicknet public key"),
}  # fmt: skip


@pytest.fixture
def closed():
    campaign, _people, _posts = four_tier_campaign()
    return campaign_close(campaign=campaign, now=AFTER)


def test_the_factory_campaign_pins_the_recorded_round(closed):
    assert closed.beacon_round == DEMO_ROUND
    assert closed.beacon_at == datetime(2026, 1, 20, 3, 24, 48, tzinfo=UTC)


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_a_bad_beacon_is_refused_recorded_and_changes_nothing(closed, case):
    text, check, words = REFUSED[case]
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        draw_run(campaign=closed, beacon=text, now=AFTER + timedelta(hours=3))
    assert refused.value.code == check
    assert words in refused.value.messages[0]
    fresh = Campaign.objects.get(pk=closed.pk)
    assert (fresh.status, fresh.entropy, fresh.beacon_signature, fresh.drawn_at) == (
        "closed",
        "",
        "",
        None,
    )
    assert not Award.objects.filter(tier__campaign=closed).exists()
    assert not TierDraw.objects.filter(tier__campaign=closed).exists()
    events = AuditEvent.objects.filter(campaign=closed).order_by("id")
    assert [e.action for e in events] == ["close", "draw_refused"]
    assert events[1].result == {"check": check, "pinned_round": DEMO_ROUND}
    assert events[1].inputs["beacon"] == text[:600]


def test_the_refusal_is_said_in_chinese_too(closed):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        draw_run(campaign=closed, beacon="hello")
    assert "drand" in refused.value.messages[0] and "This is not" not in refused.value.messages[0]


def test_the_recorded_beacon_draws_and_its_randomness_is_the_entropy(closed):
    campaign = draw_run(campaign=closed, beacon=RECORDED, now=AFTER + timedelta(hours=3))
    beacon = json.loads(RECORDED)
    assert (campaign.status, campaign.entropy, campaign.beacon_signature) == (
        "drawn",
        beacon["randomness"],
        beacon["signature"],
    )
    assert Award.objects.filter(tier__campaign=campaign).exists()
    event = AuditEvent.objects.get(campaign=campaign, action="draw")
    assert json.loads(event.inputs["beacon"])["signature"] == beacon["signature"]
    assert event.result["entropy"] == beacon["randomness"]


def test_after_a_refusal_the_real_beacon_still_draws(closed):
    with pytest.raises(ValidationError):
        draw_run(campaign=closed, beacon=recorded("quicknet", 25563182))
    assert draw_run(campaign=closed, beacon=RECORDED).status == "drawn"


def test_the_default_chain_takes_its_chained_beacon():
    """drand's 30-second chain signs each round with the previous signature: round 4
    (2020-07-22) pinned, round 3 refused, round 4 taken with its previous signature."""
    ends = datetime(2020, 7, 22, 15, 0, tzinfo=UTC)
    campaign = CampaignFactory(
        beacon_chain=Campaign.BeaconChain.DEFAULT,
        starts_at=ends - timedelta(days=3),
        ends_at=ends,
        entropy_delay=delay_to(ends, "default", 4),
    )
    assert campaign.beacon_round == 4
    campaign = campaign_close(campaign=campaign, now=ends + timedelta(minutes=1))
    with pytest.raises(ValidationError) as refused:
        draw_run(campaign=campaign, beacon=recorded("default", 3))
    assert refused.value.code == "round"
    campaign = draw_run(campaign=campaign, beacon=recorded("default", 4))
    assert campaign.status == "drawn"
    assert (
        campaign.beacon_previous_signature
        == json.loads(recorded("default", 4))["previous_signature"]
    )
