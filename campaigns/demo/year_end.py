"""A second campaign, live now: #我的2026年终总结, from ten days ago to twenty days ahead.

It is kept small on purpose — a few members and the people who signed up for it — so
that someone trying the site can take part: a new account posting a valid entry is a
newcomer (it has no earlier posts), shows on New Voices, and with a few likes from
others has a place in the top ten, since fewer than ten people are ranked.
"""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from campaigns.demo import year_end_words as words
from campaigns.demo.reactions import HOUR, Reactions
from campaigns.demo.writer import Writer
from campaigns.models import Campaign, Prize, RewardTier
from square.models import User
from square.services.posts import post_create

SLUG = "year-end-2026"
TAG = "我的2026年终总结"
ALIASES = ["我的2026年度总结"]
BEFORE, AFTER = timedelta(days=10), timedelta(days=20)
MEMBERS = 5  # members taking part at most: the ranking keeps room for visitors
Tier, Kind = RewardTier.Kind, Prize.Kind
TIERS = (
    ("top5", "年终总结人气榜 TOP 1–5", "Most-read reviews, top 1–5", Tier.LEADERBOARD, 5),
    ("newcomer", "新人首帖奖", "Newcomer first-post reward", Tier.NEWCOMER, None),
    ("lucky", "年终幸运奖", "Year-end lucky draw", Tier.LUCKY_POST_DRAW, 10),
)
PRIZES = {  # tier: (slug, kind, label, label in English, amount in USDT, quantity, days)
    "top5": (
        ("voucher", Kind.VOUCHER, "100 USDT 仓位体验券", "100 USDT position voucher", 100),
        ("featured", Kind.FEATURED_POSTS, "3 篇帖子精选推荐", "3 posts featured", 0, 3),
    ),
    "newcomer": (
        ("voucher", Kind.VOUCHER, "20 USDT 仓位体验券", "20 USDT position voucher", 20),
        ("voices", Kind.RECOMMENDATION, "进入「新声」推荐榜单", "On New Voices", 0, 1, 14),
    ),
    "lucky": (("merch", Kind.PHYSICAL, "年终限定周边礼包", "Year-end merch pack", 0),),
}


def create(now: datetime) -> Campaign:
    """From local midnight ten days ago to the last second twenty days ahead. Written the
    way `loaddata` writes the announced one: created, or brought up to date if an earlier
    seed left it (its entries went with the posts of that seed)."""
    local = timezone.localtime(now)
    starts = (local - BEFORE).replace(hour=0, minute=0, second=0, microsecond=0)
    ends = (local + AFTER).replace(hour=23, minute=59, second=59, microsecond=0)
    campaign, _ = Campaign.objects.update_or_create(slug=SLUG, defaults=dict(
        title=words.TITLE, title_en=words.TITLE_EN, description=words.DESCRIPTION,
        description_en=words.DESCRIPTION_EN, hashtag=TAG, aliases=ALIASES, starts_at=starts,
        ends_at=ends, min_chars=30, created_at=starts - timedelta(days=3),
    ))  # fmt: skip
    for order, (slug, name, name_en, kind, winners) in enumerate(TIERS, start=1):
        tier, _ = RewardTier.objects.update_or_create(campaign=campaign, slug=slug, defaults=dict(
            name=name, name_en=name_en, kind=kind, winners=winners, order=order,
        ))  # fmt: skip
        for prize in PRIZES[slug]:
            _prize(tier, *prize)
    return campaign


def _prize(tier, slug, kind, label, label_en, amount, quantity=1, days=None) -> None:
    Prize.objects.update_or_create(tier=tier, slug=slug, defaults=dict(
        kind=kind, label=label, label_en=label_en, amount=Decimal(amount) if amount else None,
        currency="USDT" if amount else "", quantity=quantity, duration_days=days,
    ))  # fmt: skip


def write(rng: random.Random, members: list[User], fresh: list[User], langs: dict, now):
    """A few members' reviews over the last nine days (one just too short), and each
    new account's first post; returns the posts with how much attention each draws."""
    writer, plans = Writer(rng), []
    pools = {"zh": words.ZH, "en": words.EN}
    for user in rng.sample(members, min(len(members), max(1, MEMBERS * len(members) // 40))):
        for _ in range(rng.randint(1, 2)):
            text = writer.text(pools[langs[user.pk]], langs[user.pk], "review")
            plans.append((now - timedelta(days=rng.uniform(0.2, 9)), user, text))
    first = plans[0][1]
    near = words.NEAR[langs[first.pk]][0]
    plans.append((now - timedelta(days=rng.uniform(0.5, 5)), first, near))
    for user in fresh:
        when = min(user.date_joined + HOUR * rng.uniform(3, 30), now - HOUR / 2)
        plans.append((when, user, writer.text(pools[langs[user.pk]], langs[user.pk], "review")))
    posts = []
    for when, user, text in sorted(plans, key=lambda p: p[0]):
        body = writer.tagged(text, langs[user.pk], [TAG, *ALIASES])
        posts.append(post_create(author=user, body=body, created_at=when))
    return posts


def react(rng: random.Random, posts, members: list[User], langs: dict, now) -> Reactions:
    """Likes and a few comments from members, up to a minute ago."""
    joined = {m.pk: m.date_joined for m in members}
    plan = Reactions(rng, members, joined, langs)
    for post in posts:
        fans = rng.sample(members, min(2, len(members)))
        plan.react(post, rng.uniform(0.8, 3), fans, now - timedelta(minutes=1))
    return plan
