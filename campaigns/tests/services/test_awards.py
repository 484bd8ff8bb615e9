"""After the draw: publishing, replacing a disqualified winner, marking, addresses."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from campaigns import draw
from campaigns.models import AuditEvent, Award, ShippingAddress
from campaigns.services import (
    award_disqualify,
    award_mark,
    campaign_close,
    draw_run,
    results_publish,
    shipping_address_save,
)
from campaigns.tests.factories import (
    AFTER,
    DURING,
    RECORDED,
    CampaignFactory,
    PrizeFactory,
    RewardTierFactory,
    entry_post,
    member,
)
from square.models import Notification

pytestmark = pytest.mark.django_db

ENTROPY = json.loads(RECORDED)["randomness"]  # the draws' randomness: the beacon's
DRAW_AT = AFTER + timedelta(hours=2)
ADDRESS = {"name": "林小雨", "phone": "+86 138 0000 0000", "address": "上海市…", "country": "中国"}


@pytest.fixture
def drawn(db):
    campaign = CampaignFactory()
    lucky = RewardTierFactory(campaign=campaign, slug="lucky", kind="lucky_post_draw", winners=2)
    PrizeFactory(tier=lucky, kind="voucher", amount=2026, currency="USDT", label="2026U")
    PrizeFactory(tier=lucky, kind="physical", label="gift box")
    top = RewardTierFactory(campaign=campaign, slug="top", kind="leaderboard", winners=2)
    PrizeFactory(tier=top, kind="physical", label="gift box")
    people = [member() for _ in range(8)]
    for i, person in enumerate(people):
        entry_post(person, at=DURING + timedelta(minutes=i))
    campaign_close(campaign=campaign, now=AFTER)
    return draw_run(campaign=campaign, beacon=RECORDED, now=DRAW_AT)


def test_publishing_tells_every_winner_once(drawn):
    results_publish(campaign=drawn, now=DRAW_AT)
    results_publish(campaign=drawn, now=DRAW_AT)  # twice: nothing more
    winners = set(Award.objects.values_list("user_id", flat=True))
    notices = Notification.objects.filter(kind="award")
    assert set(notices.values_list("recipient_id", flat=True)) == winners
    assert notices.count() == Award.objects.count()
    assert drawn.audit_events.filter(action="publish").count() == 1


def test_publishing_needs_the_draw_first(db):
    campaign = CampaignFactory()
    with pytest.raises(ValidationError):
        results_publish(campaign=campaign)


def test_a_disqualified_winner_is_replaced_by_the_next_alternate(drawn):
    award = Award.objects.filter(tier__slug="lucky").order_by("position").first()
    replacement = award_disqualify(award=award, reason="copied someone's post", now=DRAW_AT)
    award.refresh_from_db()
    assert award.status == "revoked" and award.revoked_reason
    sequence = award.tier.draw.sequence
    taken = Award.objects.filter(tier=award.tier).exclude(pk=replacement.pk)
    assert replacement.position == max(a.position for a in taken) + 1
    assert replacement.post_id == sequence[replacement.position]
    assert replacement.items.count() == 2
    again = draw.draw(
        drawn.seed, ENTROPY, "lucky", drawn.snapshots.get(kind="lucky_tickets").ids, 12
    )
    assert again[replacement.position] == replacement.post_id


def test_the_leaderboard_replacement_is_the_next_in_rank(drawn):
    ranked = drawn.snapshots.get(kind="ranking").ids
    second = Award.objects.get(tier__slug="top", position=1)
    replacement = award_disqualify(award=second, reason="bought likes", now=DRAW_AT)
    assert (replacement.user_id, replacement.position) == (ranked[2], 2)


def test_disqualifying_needs_a_reason_and_happens_once(drawn):
    award = Award.objects.filter(tier__slug="top").first()
    with pytest.raises(ValidationError):
        award_disqualify(award=award, reason="  ")
    award_disqualify(award=award, reason="bot account")
    assert award_disqualify(award=award, reason="again") is None
    assert AuditEvent.objects.filter(action="disqualify").count() == 1


def test_only_staff_with_the_draw_permission_disqualify(drawn):
    award = Award.objects.first()
    with pytest.raises(PermissionDenied):
        award_disqualify(award=award, reason="x", actor=member(is_staff=True))
    award.refresh_from_db()
    assert award.status == "pending"


def test_marking_moves_forward_only(drawn):
    award = Award.objects.first()
    award_mark(award=award, status="issued")
    award_mark(award=award, status="delivered")
    award_mark(award=award, status="issued")  # backwards: ignored
    award.refresh_from_db()
    assert award.status == "delivered" and award.issued_at and award.delivered_at
    revoked = Award.objects.exclude(pk=award.pk).first()
    award_disqualify(award=revoked, reason="x")
    with pytest.raises(ValidationError):
        award_mark(award=revoked, status="issued")


def test_only_the_winner_gives_a_shipping_address(drawn):
    award = Award.objects.filter(tier__slug="top").first()
    with pytest.raises(PermissionDenied):
        shipping_address_save(award=award, user=member(), **ADDRESS)
    with pytest.raises(ValidationError):
        shipping_address_save(award=award, user=award.user, **{**ADDRESS, "phone": " "})
    assert not ShippingAddress.objects.exists()
    shipping_address_save(award=award, user=award.user, **ADDRESS)
    shipping_address_save(award=award, user=award.user, **{**ADDRESS, "postcode": "200000"})
    assert ShippingAddress.objects.get().postcode == "200000"


def test_one_award_per_tier_and_person_is_a_database_rule(drawn):
    award = Award.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.create(tier=award.tier, user=award.user, position=99)


def test_voucher_codes_are_unique_and_unguessable(drawn):
    codes = list(
        Award.objects.filter(items__code__isnull=False).values_list("items__code", flat=True)
    )
    assert codes and len(set(codes)) == len(codes)
    assert all(len(code.replace("-", "")) == 20 for code in codes)


def test_audit_events_are_append_only(drawn):
    event = AuditEvent.objects.first()
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
