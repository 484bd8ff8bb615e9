"""Campaign operations at the same instant, on PostgreSQL with real transactions: two
draws give one result, two closes one set of lists, a newcomer's simultaneous first
posts one newcomer award (and one new voice), two saves of an address one consistent
address. A save racing a delivery is replayed deterministically on every database."""

import json
import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from campaigns import draw
from campaigns.demo.beacons import DEMO_ROUND, recorded
from campaigns.models import (
    AuditEvent,
    Award,
    Campaign,
    Entry,
    ShippingAddress,
    Snapshot,
    TierDraw,
)
from campaigns.services import award_mark, campaign_close, draw_run, shipping_address_save
from campaigns.services import entries as entries_service
from campaigns.tests.factories import (
    DURING,
    LONG_AGO,
    RECORDED,
    TAG,
    CampaignFactory,
    entry_text,
    four_tier_campaign,
    member,
)
from campaigns.tests.test_faults import (
    CLOSE_AT,
    DRAW_AT,
    _Undo,
    undisturbed_winners,
    winners,
)
from square.models import Post
from square.services.posts import post_create, post_edit
from square.tests.parallel import needs_postgresql, run_together

RANDOMNESS = json.loads(RECORDED)["randomness"]  # what the pinned round's beacon draws with

ADDRESSES = [
    {"name": "Alice Winner", "phone": "+86 138 0000 0001", "address": "1 Century Avenue",
     "postcode": "200120", "country": "China"},
    {"name": "A. Winner (office)", "phone": "+852 5555 0002", "address": "8 Finance Street",
     "postcode": "", "country": "Hong Kong"},
]  # fmt: skip


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_staff_drawing_at_once_give_one_result():
    """Both pasted the pinned round's beacon: one draw wins the lock, the other finds
    the campaign drawn; the winners are exactly a clean draw's."""
    campaign, _people, _posts = four_tier_campaign()
    closed = campaign_close(campaign=campaign, now=CLOSE_AT)
    expected = undisturbed_winners(closed)

    pressed = run_together(
        lambda beacon: draw_run(campaign=closed, beacon=beacon, now=DRAW_AT), [RECORDED] * 2
    )
    campaign = Campaign.objects.get(pk=closed.pk)
    assert campaign.status == "drawn" and campaign.entropy == RANDOMNESS
    assert [(c.status, c.entropy) for c in pressed] == [("drawn", RANDOMNESS)] * 2
    assert winners() == expected
    assert TierDraw.objects.count() == 4
    assert AuditEvent.objects.filter(action="draw").count() == 1
    assert not AuditEvent.objects.filter(action="draw_refused").exists()


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_beacon_of_another_round_racing_the_real_one_changes_nothing():
    """One staff member pastes another round's beacon at the moment another pastes the
    pinned one's: whichever takes the lock first, the winners are the real beacon's. The
    other round is refused (and recorded) if it comes first, or finds the campaign drawn."""
    campaign, _people, _posts = four_tier_campaign()
    closed = campaign_close(campaign=campaign, now=CLOSE_AT)
    expected = undisturbed_winners(closed)
    other = recorded("quicknet", 25563182)

    def press(beacon):
        try:
            drawn = draw_run(campaign=closed, beacon=beacon, now=DRAW_AT)
        except ValidationError as refusal:
            return ("refused", refusal.code)
        return (drawn.status, drawn.entropy)

    real, wrong = run_together(press, [RECORDED, other])
    assert real == ("drawn", RANDOMNESS)
    assert wrong in (("refused", "round"), ("drawn", RANDOMNESS))
    campaign = Campaign.objects.get(pk=closed.pk)
    assert (campaign.status, campaign.entropy) == ("drawn", RANDOMNESS)
    assert winners() == expected
    assert TierDraw.objects.count() == 4
    assert AuditEvent.objects.filter(action="draw").count() == 1
    refused = list(
        AuditEvent.objects.filter(action="draw_refused").values_list("result", flat=True)
    )
    assert refused == (
        [{"check": "round", "pinned_round": DEMO_ROUND}] if wrong[0] == "refused" else []
    )


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_closes_at_once_freeze_one_set_of_lists():
    campaign, _people, _posts = four_tier_campaign()
    try:  # what one close alone freezes (rolled back)
        with transaction.atomic():
            campaign_close(campaign=campaign, now=CLOSE_AT)
            alone = {s.kind: (s.digest, s.body) for s in Snapshot.objects.all()}
            raise _Undo
    except _Undo:
        pass
    moments = [CLOSE_AT, CLOSE_AT + timedelta(seconds=1)]
    closed = run_together(lambda now: campaign_close(campaign=campaign, now=now), moments)
    assert [c.status for c in closed] == ["closed", "closed"]
    assert closed[0].closed_at == closed[1].closed_at in moments
    assert {s.kind: (s.digest, s.body) for s in Snapshot.objects.all()} == alone
    assert all(s.digest == draw.digest(s.ids) for s in Snapshot.objects.all())
    assert AuditEvent.objects.filter(campaign=campaign, action="close").count() == 1


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_newcomers_simultaneous_first_posts_give_one_newcomer_award():
    campaign, _people, _posts = four_tier_campaign()
    newbie = member(joined=DURING - timedelta(days=1))
    veteran = member(joined=LONG_AGO)
    post_create(author=veteran, body="早就来过了", created_at=DURING - timedelta(days=30))
    bodies = [entry_text() for _ in range(6)]  # made here: the text maker is not thread-safe
    run_together(lambda body: post_create(author=newbie, body=body, created_at=DURING), bodies)
    post_create(author=veteran, body=entry_text(), created_at=DURING)
    assert Post.objects.filter(author=newbie).count() == 6
    first = Post.objects.filter(author=newbie).order_by("created_at", "pk").first()
    assert new_voices_of(newbie) == [first.pk]

    closed = campaign_close(campaign=campaign, now=CLOSE_AT)
    newcomers = {row[0]: row[1] for row in closed.snapshots.get(kind="newcomers").rows}
    assert newcomers[newbie.pk] == first.pk
    assert veteran.pk not in newcomers
    draw_run(campaign=closed, beacon=RECORDED, now=DRAW_AT)
    assert Award.objects.filter(tier__slug="new", user=newbie).count() == 1
    assert not Award.objects.filter(tier__slug="new", user=veteran).exists()
    assert Award.objects.filter(tier__slug="new").count() == len(newcomers)


def new_voices_of(author) -> list[int]:
    """The posts New Voices shows for `author`: entries flagged as their first valid one."""
    flagged = Entry.objects.filter(author=author, first_valid=True, is_newcomer=True)
    return list(flagged.values_list("post_id", flat=True))


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_entries_of_a_newcomer_turning_valid_at_once_leave_one_new_voice(monkeypatch):
    """Two too-short entries edited into valid ones at the same moment. Each edit pauses
    before marking the first valid entry until the other has written its verdict too,
    or is waiting on a row lock (then the service serialises them); either way exactly
    the earlier post is the newcomer's first valid entry."""
    campaign = CampaignFactory(live=True)
    newbie = member(joined=timezone.now() - timedelta(days=1))
    drafts = [post_create(author=newbie, body=f"#{TAG} 短{n}") for n in range(2)]
    assert new_voices_of(newbie) == []
    real_mark, arrived, caught_up = entries_service.first_valid_refresh, [], threading.Condition()

    def other_is_waiting_on_a_lock() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            return cursor.fetchone()[0] > 0

    def mark_when_the_other_caught_up(**kwargs):
        with caught_up:
            arrived.append(kwargs["entries"])
            caught_up.notify_all()
        for _ in range(1200):  # at most a minute
            with caught_up:
                if caught_up.wait_for(lambda: len(arrived) == 2, timeout=0.05):
                    break
            if other_is_waiting_on_a_lock():
                break
        else:
            raise AssertionError("the other edit never caught up")
        real_mark(**kwargs)

    monkeypatch.setattr(entries_service, "first_valid_refresh", mark_when_the_other_caught_up)
    edits = [(post, entry_text()) for post in drafts]
    run_together(lambda edit: post_edit(post=edit[0], editor=newbie, body=edit[1]), edits)
    assert Entry.objects.filter(campaign=campaign, author=newbie, valid=True).count() == 2
    assert new_voices_of(newbie) == [drafts[0].pk]


@pytest.fixture
def parcel():
    """A pending award with a parcel to ship (the leaderboard tier's gift box)."""
    campaign, _people, _posts = four_tier_campaign()
    closed = campaign_close(campaign=campaign, now=CLOSE_AT)
    draw_run(campaign=closed, beacon=RECORDED, now=DRAW_AT)
    return Award.objects.filter(tier__slug="top").select_related("user").first()


@needs_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("first_time", [True, False], ids=["new", "changed"])
def test_an_address_saved_twice_at_once_is_one_whole_address(parcel, first_time):
    if not first_time:
        shipping_address_save(award=parcel, user=parcel.user, **{**ADDRESSES[0], "name": "Old"})
    run_together(
        lambda fields: shipping_address_save(award=parcel, user=parcel.user, **fields), ADDRESSES
    )
    saved = ShippingAddress.objects.filter(award=parcel)
    assert saved.count() == 1
    fields = saved.values("name", "phone", "address", "postcode", "country").get()
    assert fields in ADDRESSES  # all of one save, nothing mixed from the other


@pytest.mark.django_db
def test_an_address_cannot_slip_in_after_the_parcel_was_delivered(parcel):
    """The winner's page read the award while it was pending; staff marked it delivered
    before the save ran. The save must see the delivery, not the page's stale copy."""
    seen_by_the_page = Award.objects.get(pk=parcel.pk)
    award_mark(award=parcel, status="delivered", now=DRAW_AT + timedelta(days=3))
    with pytest.raises(ValidationError):
        shipping_address_save(award=seen_by_the_page, user=parcel.user, **ADDRESSES[0])
    assert not ShippingAddress.objects.filter(award=parcel).exists()


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_address_saved_while_staff_mark_delivery_is_never_newer_than_the_delivery(parcel):
    def act(which: str):
        if which == "staff":
            return award_mark(award=parcel, status="delivered")
        try:
            return shipping_address_save(award=parcel, user=parcel.user, **ADDRESSES[1])
        except ValidationError:
            return None

    run_together(act, ["staff", "winner"])
    award = Award.objects.get(pk=parcel.pk)
    assert award.status == "delivered"
    address = ShippingAddress.objects.filter(award=parcel).first()
    assert address is None or address.updated_at <= award.delivered_at
