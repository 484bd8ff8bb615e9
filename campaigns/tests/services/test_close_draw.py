"""Closing freezes the lists; drawing picks winners from them, exactly, once, atomically.
Failures half-way: test_faults.py; simultaneous draws and closes: test_concurrency.py."""

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from campaigns import draw
from campaigns.demo.beacons import DEMO_ROUND, recorded
from campaigns.models import AuditEvent, Award, Campaign, Snapshot, TierDraw
from campaigns.services import campaign_close, draw_run
from campaigns.tests.factories import (
    AFTER,
    RECORDED,
    WINDOW_END,
    four_tier_campaign,
    like_at,
    member,
)
from square.services.posts import post_delete

pytestmark = pytest.mark.django_db

CLOSE_AT = AFTER
DRAW_AT = AFTER + timedelta(hours=2)
ENTROPY = json.loads(RECORDED)["randomness"]  # what the draws mix in: the beacon's randomness


@pytest.fixture
def setup(db):
    """A campaign with 4 tiers like the announced one, 12 people, 20 valid posts."""
    return four_tier_campaign()


def closed(campaign):
    return campaign_close(campaign=campaign, now=CLOSE_AT)


def test_close_is_refused_before_the_end(setup):
    campaign, _people, _posts = setup
    with pytest.raises(ValidationError):
        campaign_close(campaign=campaign, now=WINDOW_END)
    assert not Snapshot.objects.exists()


def test_close_freezes_four_lists_with_their_digests(setup):
    campaign, people, posts = setup
    campaign = closed(campaign)
    assert campaign.status == "closed"
    # The round was pinned by the rules at scheduling; the close only records it.
    assert (campaign.beacon_chain, campaign.beacon_round) == ("quicknet", DEMO_ROUND)
    assert campaign.beacon_at == datetime(2026, 1, 20, 3, 24, 48, tzinfo=UTC)
    assert campaign.entropy == "" and campaign.beacon_signature == ""
    lists = {s.kind: s for s in campaign.snapshots.all()}
    assert lists["lucky_tickets"].ids == sorted(p.pk for p in posts)
    assert lists["participant_tickets"].ids == sorted(p.pk for p in people)
    for snapshot in lists.values():
        assert snapshot.digest == draw.digest(snapshot.ids)
        assert snapshot.body.encode() == draw.list_bytes(snapshot.ids)
    ranking = lists["ranking"].rows
    assert [row[6] for row in ranking] == list(range(1, len(people) + 1))
    event = AuditEvent.objects.get(campaign=campaign, action="close")
    assert event.result["beacon"] == {
        "chain": "quicknet",
        "round": DEMO_ROUND,
        "published_at": "2026-01-20T03:24:48+00:00",
    }


def test_nothing_after_the_close_changes_the_lists(setup):
    campaign, people, posts = setup
    closed(campaign)
    before = {s.kind: s.digest for s in Snapshot.objects.all()}
    post_delete(post=posts[0], actor=posts[0].author)
    like_at(people[0], posts[5])
    closed(Campaign.objects.get(pk=campaign.pk))  # a second close changes nothing
    assert {s.kind: s.digest for s in Snapshot.objects.all()} == before


def tampered(**changes) -> str:
    """The recorded beacon with some of its values changed, as a relay would serve it."""
    return json.dumps({**json.loads(RECORDED), **changes})


def resigned(signature: str) -> str:
    """A beacon with another signature and the randomness that matches it (SHA-256), so
    only the BLS check can refuse it."""
    randomness = hashlib.sha256(bytes.fromhex(signature)).hexdigest()
    return tampered(signature=signature, randomness=randomness)


def assert_refused(campaign, beacon, check):
    """The draw refuses the beacon with `check`, records the attempt, and changes nothing."""
    with pytest.raises(ValidationError) as refusal:
        draw_run(campaign=campaign, beacon=beacon, now=DRAW_AT)
    assert refusal.value.code == check
    event = AuditEvent.objects.filter(campaign=campaign, action="draw_refused").first()
    assert event.inputs == {"beacon": beacon[:600]}
    assert event.result == {"check": check, "pinned_round": DEMO_ROUND}
    stored = Campaign.objects.get(pk=campaign.pk)
    assert (stored.status, stored.entropy, stored.beacon_signature) == ("closed", "", "")
    assert not Award.objects.exists() and not TierDraw.objects.exists()
    assert not AuditEvent.objects.filter(action="draw").exists()


def test_the_draw_takes_only_the_pinned_rounds_beacon(setup):
    """A real beacon of another round — one that existed before the close, or a later
    one — is refused: staff cannot choose which randomness the draw uses."""
    campaign, _people, _posts = setup
    closed(campaign)
    assert_refused(campaign, recorded("quicknet", 20791007), "round")
    assert_refused(campaign, recorded("quicknet", 25563182), "round")
    assert AuditEvent.objects.filter(action="draw_refused").count() == 2


def test_the_draw_refuses_a_beacon_that_does_not_verify(setup):
    campaign, _people, _posts = setup
    closed(campaign)
    signature = json.loads(RECORDED)["signature"]
    assert_refused(campaign, tampered(randomness=ENTROPY[::-1]), "randomness")
    # One byte of the signature changed (the randomness recomputed to match it).
    assert_refused(
        campaign, resigned(signature[:-2] + f"{int(signature[-2:], 16) ^ 1:02x}"), "signature"
    )
    # The other recorded round's signature under this round's number.
    other = json.loads(recorded("quicknet", 25563182))["signature"]
    assert_refused(campaign, resigned(other), "signature")


def test_draw_refuses_an_open_campaign_and_a_malformed_beacon(setup):
    campaign, _people, _posts = setup
    with pytest.raises(ValidationError):
        draw_run(campaign=campaign, beacon=RECORDED, now=DRAW_AT)
    assert not AuditEvent.objects.exists()  # not a beacon's refusal: nothing to record
    closed(campaign)
    for text in ("   ", "another value", ENTROPY, tampered(round=str(DEMO_ROUND))):
        assert_refused(campaign, text, "malformed")
    assert_refused(campaign, tampered(signature="zz" * 48), "malformed")


def test_the_draw_gives_every_tier_its_winners(setup):
    campaign, _people, _posts = setup
    campaign = draw_run(campaign=closed(campaign), beacon=RECORDED, now=DRAW_AT)
    assert (campaign.status, campaign.entropy) == ("drawn", ENTROPY)
    beacon = json.loads(RECORDED)
    assert (campaign.beacon_signature, campaign.beacon_previous_signature) == (
        beacon["signature"],
        "",
    )
    event = AuditEvent.objects.get(campaign=campaign, action="draw")
    assert json.loads(event.inputs["beacon"]) == beacon
    assert event.result["entropy"] == ENTROPY
    lists = {s.kind: s for s in campaign.snapshots.all()}
    lucky = Award.objects.get(tier__slug="lucky")
    expected = draw.draw(campaign.seed, ENTROPY, "lucky", lists["lucky_tickets"].ids, 11)
    assert lucky.post_id == expected[0] and lucky.position == 0
    assert lucky.user_id == lucky.post.author_id
    voucher = lucky.items.get()
    assert voucher.code and voucher.amount == 2026 and voucher.currency == "USDT"
    top = list(Award.objects.filter(tier__slug="top").values_list("user_id", flat=True))
    assert top == lists["ranking"].ids[:3]
    newcomers = Award.objects.filter(tier__slug="new").count()
    assert newcomers == lists["newcomers"].size
    part = Award.objects.filter(tier__slug="part").order_by("position")
    picks = draw.draw(campaign.seed, ENTROPY, "part", lists["participant_tickets"].ids, 15)
    assert [a.user_id for a in part] == picks[:5]


def test_drawing_again_never_changes_a_winner(setup):
    campaign, _people, _posts = setup
    draw_run(campaign=closed(campaign), beacon=RECORDED, now=DRAW_AT)
    first = list(Award.objects.values_list("tier__slug", "user_id", "position"))
    later = DRAW_AT + timedelta(days=1)
    for beacon in (RECORDED, recorded("quicknet", 25563182), "another value"):
        again = draw_run(campaign=campaign, beacon=beacon, now=later)
        assert (again.status, again.entropy, again.drawn_at) == ("drawn", ENTROPY, DRAW_AT)
    assert list(Award.objects.values_list("tier__slug", "user_id", "position")) == first
    assert Campaign.objects.get(pk=campaign.pk).entropy == ENTROPY
    assert list(AuditEvent.objects.filter(campaign=campaign).values_list("action", flat=True)) == [
        "draw",
        "close",
    ]


def test_earlier_winners_can_be_excluded(setup):
    campaign, _people, _posts = setup
    campaign.tiers.filter(slug="new").delete()  # everyone is new here: nobody would be left
    campaign.tiers.filter(slug="part").update(exclude_previous_winners=True)
    draw_run(campaign=closed(campaign), beacon=RECORDED, now=DRAW_AT)
    earlier = set(Award.objects.exclude(tier__slug="part").values_list("user_id", flat=True))
    part = set(Award.objects.filter(tier__slug="part").values_list("user_id", flat=True))
    assert len(part) == 5 and not part & earlier


def test_staff_without_the_permissions_are_refused(setup):
    campaign, _people, _posts = setup
    clerk = member(is_staff=True)
    with pytest.raises(PermissionDenied):
        campaign_close(campaign=campaign, actor=clerk, now=CLOSE_AT)
    closed(campaign)
    with pytest.raises(PermissionDenied):
        draw_run(campaign=campaign, beacon=RECORDED, actor=clerk, now=DRAW_AT)
    assert not Award.objects.exists()
