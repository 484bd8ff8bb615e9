"""Campaign test data in one place: campaigns, tiers, prizes, members and timed acts.

Times default to the announced New-Year window (2025-12-31 18:00 → 2026-01-15 23:59:59,
Beijing time), which is in the past: posts are placed in it with `post_create(created_at=)`,
and likes, comments and reposts — which the services always make "now" — are made and
then moved in time with a queryset `update` (see `like_at`, `comment_at`, `repost_at`).
"""

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import factory
from django.utils import timezone

from campaigns.models import Campaign, Prize, RewardTier
from square.models import Comment, Like, Post, User
from square.services.comments import comment_create
from square.services.interactions import like_create
from square.services.posts import post_create, repost_create
from square.tests.factories import UserFactory

CN = dt_timezone(timedelta(hours=8), "UTC+8")


def cn(*args) -> datetime:
    """A Beijing-time instant: `cn(2026, 1, 1, 9, 30)`."""
    return datetime(*args, tzinfo=CN)


WINDOW_START = cn(2025, 12, 31, 18, 0, 0)
WINDOW_END = cn(2026, 1, 15, 23, 59, 59)
DURING = cn(2026, 1, 5, 12, 0, 0)  # a moment well inside the window
BEFORE = cn(2025, 12, 1, 12, 0, 0)  # well before it
AFTER = cn(2026, 2, 1, 12, 0, 0)  # well after it
LONG_AGO = cn(2025, 6, 1, 12, 0, 0)  # when established members joined

TAG = "我的2026第一帖"
ALIASES = ["我的2026第一条帖", "我的2026第一條帖"]
# Thirty different Han characters: exactly the default minimum, with enough variety.
THIRTY = "一二三四五六七八九十甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉"
VALID_TEXT = f"#{TAG} {THIRTY}"
SHORT_TEXT = f"#{TAG} 新年快乐"  # tagged, 4 units: too short


def entry_text(tag: str = TAG, extra: str = "") -> str:
    """A text that passes every text rule with `tag` (add `extra` to tell posts apart)."""
    return f"#{tag} {THIRTY}{extra}"


class CampaignFactory(factory.django.DjangoModelFactory):
    """A scheduled campaign over the New-Year window with the model's default rules.

    `CampaignFactory(live=True)` opens the window around the real clock instead, for the
    writes that cannot be dated (quotes are always posted "now")."""

    class Meta:
        model = Campaign

    class Params:
        live = factory.Trait(
            starts_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=1)),
            ends_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=7)),
        )

    slug = factory.Sequence(lambda n: f"campaign-{n}")
    title = factory.Sequence(lambda n: f"#{TAG} campaign {n}")
    hashtag = TAG
    aliases = factory.LazyFunction(lambda: list(ALIASES))
    starts_at = WINDOW_START
    ends_at = WINDOW_END
    status = Campaign.Status.SCHEDULED


class RewardTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RewardTier

    campaign = factory.SubFactory(CampaignFactory)
    slug = factory.Sequence(lambda n: f"tier-{n}")
    name = factory.Sequence(lambda n: f"Tier {n}")
    kind = RewardTier.Kind.LEADERBOARD
    winners = 10
    order = factory.Sequence(lambda n: n)


class PrizeFactory(factory.django.DjangoModelFactory):
    """A physical prize; `PrizeFactory(voucher=True)` for a 50 USDT voucher."""

    class Meta:
        model = Prize

    class Params:
        voucher = factory.Trait(kind=Prize.Kind.VOUCHER, amount="50.00", currency="USDT")

    tier = factory.SubFactory(RewardTierFactory)
    slug = factory.Sequence(lambda n: f"prize-{n}")
    kind = Prize.Kind.PHYSICAL
    label = factory.Sequence(lambda n: f"Gift box {n}")


class MemberFactory(UserFactory):
    """A member whose account is long established (old enough to count as interactor)."""

    date_joined = LONG_AGO


# --- acts placed in time ----------------------------------------------------------------


def member(*, joined: datetime = LONG_AGO, **fields) -> User:
    return MemberFactory(date_joined=joined, **fields)


def entry_post(author: User, at: datetime = DURING, body: str | None = None, **kwargs) -> Post:
    """A post written through `post_create` at `at` (a valid entry unless `body` says not)."""
    return post_create(
        author=author, body=entry_text() if body is None else body, created_at=at, **kwargs
    )


def _after(post: Post, at: datetime | None) -> datetime:
    """When an act happens: `at`, or an hour after the post was written."""
    return at if at is not None else post.created_at + timedelta(hours=1)


def like_at(user: User, post: Post, at: datetime | None = None) -> Like:
    like_create(user=user, post=post)
    Like.objects.filter(user=user, post=post).update(created_at=_after(post, at))
    return Like.objects.get(user=user, post=post)


def comment_at(user: User, post: Post, at: datetime | None = None, body: str = "好帖") -> Comment:
    comment = comment_create(author=user, post=post, body=body)
    Comment.objects.filter(pk=comment.pk).update(created_at=_after(post, at))
    comment.refresh_from_db()
    return comment


def repost_at(user: User, post: Post, at: datetime | None = None, quote: str = "") -> Post:
    """A plain repost (or a quote) of `post`, moved to `at`. The campaign entry a tagged
    quote makes is judged when it is written, so date tagged quotes with a live campaign."""
    repost, _created = repost_create(author=user, post=post, quote=quote)
    Post.objects.filter(pk=repost.pk).update(created_at=_after(post, at))
    repost.refresh_from_db()
    return repost


def four_tier_campaign(*, people: int = 12, participant_winners: int = 5, **fields):
    """A campaign shaped like the announced one (lucky draw of 1, top 3, every newcomer,
    a participant draw) with `people` members posting 1–3 valid entries each and some
    likes among them. Returns (campaign, members, posts)."""
    campaign = CampaignFactory(**fields)
    lucky = RewardTierFactory(campaign=campaign, slug="lucky", kind="lucky_post_draw", winners=1)
    PrizeFactory(tier=lucky, kind="voucher", amount=2026, currency="USDT", label="2026U")
    top = RewardTierFactory(campaign=campaign, slug="top", kind="leaderboard", winners=3)
    PrizeFactory(tier=top, kind="physical", label="gift box")
    new = RewardTierFactory(campaign=campaign, slug="new", kind="newcomer", winners=None)
    PrizeFactory(tier=new, kind="voucher", amount=50, currency="USDT", label="50U")
    part = RewardTierFactory(
        campaign=campaign, slug="part", kind="participant_draw", winners=participant_winners
    )
    PrizeFactory(tier=part, kind="physical", label="F1 pack")
    members = [member() for _ in range(people)]
    posts = []
    for i, person in enumerate(members):
        for k in range(1 + i % 3):
            posts.append(entry_post(person, at=DURING + timedelta(minutes=10 * i + k)))
    for i, post in enumerate(posts[:8]):
        for fan in members[-(i % 4 + 1) :]:
            if fan.pk != post.author_id:
                like_at(fan, post)
    return campaign, members, posts
