"""Closing freezes the lists; drawing picks winners from them, exactly, once, atomically.
Failures half-way: test_faults.py; simultaneous draws and closes: test_concurrency.py."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from campaigns import draw
from campaigns.models import AuditEvent, Award, Campaign, Snapshot
from campaigns.services import campaign_close, draw_run
from campaigns.tests.factories import (
    AFTER,
    WINDOW_END,
    four_tier_campaign,
    like_at,
    member,
)
from square.services.posts import post_delete

pytestmark = pytest.mark.django_db

CLOSE_AT = AFTER
DRAW_AT = AFTER + timedelta(hours=2)
ENTROPY = "0000000000000000000111b2c3d4e5f60718293a4b5c6d7e8f9012a3b4c5d6e7"


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
    assert campaign.entropy_not_before == CLOSE_AT + timedelta(hours=1)
    lists = {s.kind: s for s in campaign.snapshots.all()}
    assert lists["lucky_tickets"].ids == sorted(p.pk for p in posts)
    assert lists["participant_tickets"].ids == sorted(p.pk for p in people)
    for snapshot in lists.values():
        assert snapshot.digest == draw.digest(snapshot.ids)
        assert snapshot.body.encode() == draw.list_bytes(snapshot.ids)
    ranking = lists["ranking"].rows
    assert [row[6] for row in ranking] == list(range(1, len(people) + 1))
    assert AuditEvent.objects.filter(campaign=campaign, action="close").count() == 1


def test_nothing_after_the_close_changes_the_lists(setup):
    campaign, people, posts = setup
    closed(campaign)
    before = {s.kind: s.digest for s in Snapshot.objects.all()}
    post_delete(post=posts[0], actor=posts[0].author)
    like_at(people[0], posts[5])
    closed(Campaign.objects.get(pk=campaign.pk))  # a second close changes nothing
    assert {s.kind: s.digest for s in Snapshot.objects.all()} == before


def test_draw_waits_for_the_entropy(setup):
    campaign, _people, _posts = setup
    closed(campaign)
    with pytest.raises(ValidationError):
        draw_run(campaign=campaign, entropy=ENTROPY, now=CLOSE_AT + timedelta(minutes=59))
    assert not Award.objects.exists()


def test_draw_refuses_an_open_campaign_and_empty_entropy(setup):
    campaign, _people, _posts = setup
    with pytest.raises(ValidationError):
        draw_run(campaign=campaign, entropy=ENTROPY, now=DRAW_AT)
    closed(campaign)
    with pytest.raises(ValidationError):
        draw_run(campaign=campaign, entropy="   ", now=DRAW_AT)


def test_the_draw_gives_every_tier_its_winners(setup):
    campaign, _people, _posts = setup
    campaign = draw_run(campaign=closed(campaign), entropy=ENTROPY, now=DRAW_AT)
    assert (campaign.status, campaign.entropy) == ("drawn", ENTROPY)
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
    draw_run(campaign=closed(campaign), entropy=ENTROPY, now=DRAW_AT)
    first = list(Award.objects.values_list("tier__slug", "user_id", "position"))
    draw_run(campaign=campaign, entropy="another value", now=DRAW_AT + timedelta(days=1))
    assert list(Award.objects.values_list("tier__slug", "user_id", "position")) == first
    assert Campaign.objects.get(pk=campaign.pk).entropy == ENTROPY


def test_earlier_winners_can_be_excluded(setup):
    campaign, _people, _posts = setup
    campaign.tiers.filter(slug="new").delete()  # everyone is new here: nobody would be left
    campaign.tiers.filter(slug="part").update(exclude_previous_winners=True)
    draw_run(campaign=closed(campaign), entropy=ENTROPY, now=DRAW_AT)
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
        draw_run(campaign=campaign, entropy=ENTROPY, actor=clerk, now=DRAW_AT)
    assert not Award.objects.exists()
