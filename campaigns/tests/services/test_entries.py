"""Entries kept by the post hook: every post write through the square's services
re-judges the post's entries in the same transaction. Posts are dated with
`post_create(created_at=)`; edits are stamped "now", so edits inside the (past) window
set the clock, and edits without it happen after the end."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from campaigns import rules
from campaigns.models import Campaign, Entry, Prize, RewardTier
from campaigns.services import entries_refresh_for_user, entry_refresh
from campaigns.tests.conftest import ANNOUNCED_SLUG
from campaigns.tests.factories import (
    AFTER,
    ALIASES,
    BEFORE,
    DURING,
    SHORT_TEXT,
    TAG,
    THIRTY,
    VALID_TEXT,
    WINDOW_END,
    WINDOW_START,
    CampaignFactory,
    PrizeFactory,
    RewardTierFactory,
    cn,
    distinct_text,
    entry_post,
    entry_text,
    member,
    repost_at,
)
from square.models import Post
from square.services.accounts import user_deactivate
from square.services.posts import (
    post_create,
    post_delete,
    post_edit,
    post_hide,
    post_restore,
    repost_create,
)

pytestmark = pytest.mark.django_db


def entry_of(post: Post, campaign: Campaign) -> Entry:
    return Entry.objects.get(post=post, campaign=campaign)


def verdict_of(post: Post, campaign: Campaign) -> tuple[bool, list[str]]:
    entry = entry_of(post, campaign)
    return entry.valid, entry.reasons


# --- the announced campaign's fixture ------------------------------------------------------


def test_fixture_is_the_announced_campaign(announced):
    assert announced.status == Campaign.Status.SCHEDULED
    assert announced.hashtag == TAG
    assert announced.aliases == ALIASES
    assert announced.starts_at == WINDOW_START
    assert announced.ends_at == WINDOW_END
    assert (announced.min_chars, announced.min_distinct_chars) == (30, 10)
    assert announced.exclude_staff is True
    weights = (announced.w_posts, announced.w_like, announced.w_comment, announced.w_repost)
    assert weights == (5, 1, 2, 3)
    assert (announced.posts_cap, announced.interactor_cap) == (30, 10)
    assert announced.min_interactor_age_hours == 24
    assert len(announced.seed) == 64
    int(announced.seed, 16)
    tiers = list(announced.tiers.values_list("slug", "kind", "winners"))
    assert tiers == [
        ("lucky", RewardTier.Kind.LUCKY_POST_DRAW, 1),
        ("top10", RewardTier.Kind.LEADERBOARD, 10),
        ("newcomer", RewardTier.Kind.NEWCOMER, None),
        ("participation", RewardTier.Kind.PARTICIPANT_DRAW, 20),
    ]
    voucher = Prize.objects.get(tier__campaign=announced, tier__slug="lucky", slug="voucher")
    assert (voucher.amount, voucher.currency) == (Decimal("2026.00"), "USDT")
    assert Prize.objects.filter(tier__campaign=announced).count() == 8


def test_fixture_loads_twice_without_changing_the_seed(announced):
    seed, pk = announced.seed, announced.pk
    call_command("loaddata", ANNOUNCED_SLUG, verbosity=0)
    again = Campaign.objects.get(slug=ANNOUNCED_SLUG)
    assert (again.pk, again.seed) == (pk, seed)
    assert Campaign.objects.count() == 1
    assert RewardTier.objects.count() == 4
    assert Prize.objects.count() == 8


def test_seed_survives_a_save(campaign):
    seed = campaign.seed
    campaign.seed = "0" * 64
    campaign.title = "renamed"
    campaign.save()
    campaign.refresh_from_db()
    assert (campaign.seed, campaign.title) == (seed, "renamed")


# --- the window --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("created_at", "inside"),
    [
        (cn(2025, 12, 31, 17, 59, 59), False),
        (cn(2025, 12, 31, 18, 0, 0), True),
        (cn(2026, 1, 15, 23, 59, 59), True),
        (cn(2026, 1, 16, 0, 0, 0), False),
    ],
    ids=["17:59:59 before", "18:00:00 start", "23:59:59 end", "00:00:00 next day"],
)
def test_window_edges(announced, created_at, inside):
    post = entry_post(member(), created_at)
    entry = entry_of(post, announced)
    assert entry.valid is inside
    assert entry.reasons == ([] if inside else [rules.OUTSIDE_WINDOW])
    assert entry.posted_at == created_at


def test_the_last_second_counts_whole(announced):
    post = entry_post(member(), cn(2026, 1, 15, 23, 59, 59) + timedelta(microseconds=999_999))
    assert verdict_of(post, announced) == (True, [])


@pytest.mark.parametrize("tag", [TAG, *ALIASES])
def test_the_tag_and_its_aliases_make_entries(announced, tag):
    spaced = entry_post(member(), body=entry_text(tag))
    glued = entry_post(member(), body=f"#{tag}{distinct_text()}")
    assert verdict_of(spaced, announced) == (True, [])
    assert verdict_of(glued, announced) == (True, [])


def test_untagged_posts_make_no_entry(announced):
    entry_post(member(), body=distinct_text())
    entry_post(member(), body=f"#我的2025第一帖 {distinct_text()}")
    assert Entry.objects.count() == 0


def test_entry_stores_its_figures(announced):
    author = member()
    post = entry_post(author, body=f"#{TAG} " + "一二三四五六七八九十" * 3)
    entry = entry_of(post, announced)
    assert (entry.valid, entry.counted_chars, entry.distinct_chars) == (True, 30, 10)
    assert (entry.author_id, entry.posted_at) == (author.pk, DURING)
    assert entry.judged_at is not None
    short = entry_of(entry_post(author, body=SHORT_TEXT), announced)
    assert (short.valid, short.reasons) == (False, [rules.TOO_SHORT])
    assert (short.counted_chars, short.distinct_chars) == (4, 4)


# --- edits -------------------------------------------------------------------------------


def test_tag_added_during_the_window_to_an_earlier_post_is_outside_it(announced, clock):
    author = member()
    post = entry_post(author, BEFORE, body=THIRTY)
    assert not Entry.objects.exists()
    clock(DURING)
    post_edit(post=post, editor=author, body=VALID_TEXT)
    assert verdict_of(post, announced) == (False, [rules.OUTSIDE_WINDOW])


def test_a_post_tagged_before_the_start_never_counts(announced):
    post = entry_post(member(), WINDOW_START - timedelta(seconds=1))
    assert verdict_of(post, announced) == (False, [rules.OUTSIDE_WINDOW])


def test_edits_during_the_window_change_the_verdict(announced, clock):
    author = member()
    post = entry_post(author, DURING, body=SHORT_TEXT)
    assert verdict_of(post, announced) == (False, [rules.TOO_SHORT])
    clock(DURING + timedelta(hours=1))
    post_edit(post=post, editor=author, body=VALID_TEXT)
    assert verdict_of(post, announced) == (True, [])
    clock(DURING + timedelta(hours=2))
    post_edit(post=post, editor=author, body=THIRTY)  # the tag taken out: the entry stays
    assert verdict_of(post, announced) == (False, [rules.MISSING_HASHTAG])


def test_a_valid_entry_edited_after_the_end_stays_valid(announced):
    author = member()
    post = entry_post(author, DURING, body=VALID_TEXT)
    assert timezone.now() > announced.ends_at  # edits without the clock come after the end
    post_edit(post=post, editor=author, body="改短了")
    entry = entry_of(post, announced)
    assert (entry.valid, entry.reasons, entry.counted_chars) == (True, [], 30)


def test_an_invalid_entry_edited_after_the_end_stays_invalid(announced):
    author = member()
    post = entry_post(author, DURING, body=SHORT_TEXT)
    post_edit(post=post, editor=author, body=VALID_TEXT)
    entry = entry_of(post, announced)
    assert (entry.valid, entry.reasons, entry.counted_chars) == (False, [rules.TOO_SHORT], 4)


def test_a_tag_added_after_the_end_makes_no_valid_entry(announced):
    author = member()
    post = entry_post(author, DURING, body=THIRTY)
    post_edit(post=post, editor=author, body=VALID_TEXT)
    assert not Entry.objects.filter(post=post, valid=True).exists()


@pytest.mark.parametrize(
    ("in_window", "after_end", "valid"),
    [(VALID_TEXT, SHORT_TEXT, True), (SHORT_TEXT, VALID_TEXT, False)],
    ids=["valid at the end", "invalid at the end"],
)
def test_the_text_at_the_end_is_judged_across_several_edits(
    announced, clock, in_window, after_end, valid
):
    author = member()
    post = entry_post(author, DURING, body=THIRTY)
    clock(DURING + timedelta(days=1))
    post_edit(post=post, editor=author, body=in_window)
    clock(AFTER)
    post_edit(post=post, editor=author, body=after_end)
    clock(AFTER + timedelta(days=1))
    post_edit(post=post, editor=author, body=after_end + " 再改一次")
    assert entry_of(post, announced).valid is valid


# --- status and authors ------------------------------------------------------------------


def test_delete_hide_and_restore(announced, staff_user):
    author = member()
    hidden = entry_post(author)
    deleted = entry_post(author, DURING + timedelta(hours=1))
    post_hide(post=hidden, staff=staff_user)
    post_delete(post=deleted, actor=author)
    assert verdict_of(hidden, announced) == (False, [rules.HIDDEN])
    assert verdict_of(deleted, announced) == (False, [rules.DELETED])
    post_restore(post=hidden, staff=staff_user)
    post_restore(post=deleted, staff=staff_user)  # an author's delete stays
    assert verdict_of(hidden, announced) == (True, [])
    assert verdict_of(deleted, announced) == (False, [rules.DELETED])


def test_staff_are_excluded_unless_the_campaign_says_otherwise(announced):
    open_to_staff = CampaignFactory(exclude_staff=False)
    post = entry_post(member(is_staff=True))
    assert verdict_of(post, announced) == (False, [rules.AUTHOR_INELIGIBLE])
    assert verdict_of(post, open_to_staff) == (True, [])


def test_deactivation_makes_every_open_entry_ineligible(announced, staff_user):
    author = member()
    first, second = entry_post(author), entry_post(author, DURING + timedelta(hours=1))
    bystander = entry_post(member())
    user_deactivate(user=author, staff=staff_user)
    assert verdict_of(first, announced) == (False, [rules.AUTHOR_INELIGIBLE])
    assert verdict_of(second, announced) == (False, [rules.AUTHOR_INELIGIBLE])
    assert verdict_of(bystander, announced) == (True, [])


def test_entries_refresh_for_user_counts_open_entries(announced):
    author = member()
    entry_post(author)
    entry_post(author, DURING + timedelta(hours=1))
    closed = CampaignFactory(status=Campaign.Status.SCHEDULED)
    entry_post(author, DURING + timedelta(hours=2))  # in both campaigns
    Campaign.objects.filter(pk=closed.pk).update(status=Campaign.Status.CLOSED)
    assert entries_refresh_for_user(user=author) == 3


# --- newcomers ---------------------------------------------------------------------------


def test_a_member_who_never_posted_is_new(announced):
    author = member()
    first = entry_post(author)
    second = entry_post(author, DURING + timedelta(days=1))
    assert entry_of(first, announced).is_newcomer
    assert entry_of(second, announced).is_newcomer


def test_a_post_at_the_very_start_is_not_earlier(announced):
    author = member()
    at_start = entry_post(author, WINDOW_START, body="hello")
    assert at_start.created_at == announced.starts_at
    assert entry_of(entry_post(author), announced).is_newcomer


@pytest.mark.parametrize("earlier", ["published", "deleted", "hidden", "repost", "quote"])
def test_any_earlier_post_makes_a_member_not_new(announced, staff_user, earlier):
    author = member()
    if earlier in ("repost", "quote"):
        original = entry_post(member(), BEFORE - timedelta(days=1), body="an older post")
        repost_at(author, original, BEFORE, quote="quoted" if earlier == "quote" else "")
    else:
        post = entry_post(author, BEFORE, body="hello from before")
        if earlier == "deleted":
            post_delete(post=post, actor=author)
        elif earlier == "hidden":
            post_hide(post=post, staff=staff_user)
    entry = entry_of(entry_post(author), announced)
    assert entry.valid
    assert not entry.is_newcomer


# --- which campaigns take entries --------------------------------------------------------


@pytest.mark.parametrize(
    "status",
    [
        Campaign.Status.DRAFT,
        Campaign.Status.CLOSED,
        Campaign.Status.DRAWN,
        Campaign.Status.PUBLISHED,
    ],
)
def test_only_scheduled_campaigns_take_entries(status):
    CampaignFactory(status=status)
    post = entry_post(member())
    assert entry_refresh(post=post) == []
    assert not Entry.objects.exists()


def test_closed_campaigns_are_not_touched(announced, staff_user, clock):
    author = member()
    post = entry_post(author)
    before = entry_of(post, announced)
    Campaign.objects.filter(pk=announced.pk).update(status=Campaign.Status.CLOSED)
    clock(DURING + timedelta(hours=1))
    post_edit(post=post, editor=author, body=SHORT_TEXT)
    post_delete(post=post, actor=author)
    user_deactivate(user=author, staff=staff_user)
    late = entry_post(member(), DURING + timedelta(hours=2))
    after = entry_of(post, announced)
    assert (after.valid, after.reasons, after.counted_chars) == (True, [], 30)
    assert after.judged_at == before.judged_at
    assert not Entry.objects.filter(post=late).exists()


def test_a_tagged_quote_is_an_entry_and_a_plain_repost_is_not(other_user):
    live = CampaignFactory(live=True)
    original = post_create(author=other_user, body=entry_text())
    reposter = member()
    plain, _created = repost_create(author=reposter, post=original)
    quote, _created = repost_create(author=reposter, post=original, quote=entry_text(ALIASES[0]))
    untagged, _created = repost_create(author=member(), post=original, quote="说得好")
    assert verdict_of(original, live) == (True, [])
    entry = entry_of(quote, live)
    assert (entry.valid, entry.author_id) == (True, reposter.pk)
    assert not Entry.objects.filter(post__in=[plain, untagged]).exists()


def test_a_post_enters_every_open_campaign_whose_tag_it_carries(announced):
    other = CampaignFactory(hashtag="新年快乐", aliases=[])
    both = entry_post(member(), body=f"#新年快乐 {entry_text()}")
    assert verdict_of(both, announced) == (True, [])
    assert verdict_of(both, other) == (True, [])
    only_ours = entry_post(member())
    assert list(Entry.objects.filter(post=only_ours).values_list("campaign", flat=True)) == [
        announced.pk
    ]


# --- the models --------------------------------------------------------------------------


def test_a_campaign_needs_only_slug_title_hashtag_and_window():
    campaign = Campaign(
        slug="spring", title="Spring", hashtag="春天", starts_at=WINDOW_START, ends_at=WINDOW_END
    )
    campaign.full_clean()
    campaign.save()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SCHEDULED
    assert campaign.aliases == []
    assert campaign.tag_keys == ["春天"]
    assert len(campaign.seed) == 64
    assert (campaign.min_chars, campaign.min_distinct_chars, campaign.posts_cap) == (30, 10, 30)
    post = entry_post(member(), body=f"#春天 {distinct_text()}")
    assert verdict_of(post, campaign) == (True, [])


@pytest.mark.parametrize("ends_at", [WINDOW_START, WINDOW_START - timedelta(seconds=1)])
def test_a_campaign_must_end_after_it_starts(ends_at):
    with pytest.raises(IntegrityError), transaction.atomic():
        CampaignFactory(ends_at=ends_at)


def test_one_entry_per_campaign_and_post(announced):
    post = entry_post(member())
    entry = entry_of(post, announced)
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(
            campaign=announced, post=post, author_id=post.author_id, posted_at=post.created_at
        )
    assert Entry.objects.get() == entry


@pytest.mark.parametrize(
    "fields",
    [
        {"amount": None, "currency": ""},
        {"amount": None, "currency": "USDT"},
        {"amount": Decimal("50.00"), "currency": ""},
        {"amount": Decimal("0.00"), "currency": "USDT"},
    ],
    ids=["nothing", "no amount", "no currency", "zero"],
)
def test_a_voucher_needs_an_amount_and_a_currency(fields):
    tier = RewardTierFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PrizeFactory(tier=tier, kind=Prize.Kind.VOUCHER, **fields)
    assert not Prize.objects.exists()


def test_prizes_that_are_not_vouchers_need_no_amount():
    voucher = PrizeFactory(voucher=True)
    gift = PrizeFactory(tier=voucher.tier)
    voucher.refresh_from_db()
    gift.refresh_from_db()
    assert (voucher.amount, voucher.currency) == (Decimal("50.00"), "USDT")
    assert (gift.kind, gift.amount, gift.currency) == (Prize.Kind.PHYSICAL, None, "")


def test_tier_and_prize_slugs_are_unique_within_their_parent():
    tier = RewardTierFactory(slug="top")
    RewardTierFactory(slug="top")  # another campaign: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        RewardTierFactory(campaign=tier.campaign, slug="top")
    PrizeFactory(tier=tier, slug="box")
    with pytest.raises(IntegrityError), transaction.atomic():
        PrizeFactory(tier=tier, slug="box")
