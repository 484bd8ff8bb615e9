"""The campaign dashboard in the admin: live figures, the top of the ranking, what the
prizes cost so far, and valid posts and new participants per day as an SVG chart
(drawn by `campaigns.admin.dashboard_chart`).

Everything is counted by the database, in a fixed number of queries whatever the number
of entries (one aggregate for the figures, two grouped queries for the days, one for the
ranking, one for its people, two for the tiers and prizes). Nothing is cached: staff see
the state of the rows right now, not the site's minute-old figures.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from campaigns import rules
from campaigns.models import Campaign, Entry, Prize, RewardTier
from campaigns.models.entry import reason_q
from campaigns.selectors.ranking import Standing, ranking_compute
from square.models import User
from square.project.beijing_time import BEIJING, in_beijing

# Campaign days are Beijing days, as the rules and the site say (UTC+8 all year).
TOP = 10


@dataclass(frozen=True)
class Day:
    day: date
    posts: int  # valid entries posted that day
    new_participants: int  # people whose first valid entry was posted that day
    counted: bool  # False for days still to come


# --- figures ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReasonCount:
    code: str
    label: str
    count: int


@dataclass(frozen=True)
class Figures:
    posts: int  # valid entries
    participants: int  # people with at least one valid entry
    newcomers: int  # of those, people who had never posted before the start
    invalid: int  # entries that do not count
    by_reason: list[ReasonCount]  # an invalid entry may have several reasons


def figures(campaign: Campaign) -> Figures:
    """The campaign's figures in one aggregate query."""
    valid, invalid = Q(valid=True), Q(valid=False)
    counts = {
        "posts": Count("pk", filter=valid),
        "participants": Count("author", distinct=True, filter=valid),
        "newcomers": Count("author", distinct=True, filter=valid & Q(is_newcomer=True)),
        "invalid": Count("pk", filter=invalid),
    }
    codes = rules.Reason.values
    for i, code in enumerate(codes):
        counts[f"reason_{i}"] = Count("pk", filter=invalid & reason_q(code))
    row = Entry.objects.filter(campaign=campaign).aggregate(**counts)
    by_reason = [
        ReasonCount(code, str(rules.Reason(code).label), row[f"reason_{i}"])
        for i, code in enumerate(codes)
    ]
    return Figures(row["posts"], row["participants"], row["newcomers"], row["invalid"], by_reason)


# --- per day ----------------------------------------------------------------------------


def window_days(campaign: Campaign) -> tuple[date, date]:
    """The first and last Beijing day of the campaign's window."""
    first = in_beijing(campaign.starts_at).date()
    last = in_beijing(campaign.ends_at_inclusive).date()
    return first, last


def per_day(campaign: Campaign, *, now: datetime | None = None) -> list[Day]:
    """Every day of the window with its valid posts and new participants: two grouped
    queries (the second keeps each author's first valid entry with a subquery)."""
    day = TruncDate("posted_at", tzinfo=BEIJING)
    valid = Entry.objects.filter(campaign=campaign, valid=True)
    posts = dict(
        valid.annotate(day=day).values("day").annotate(n=Count("pk")).values_list("day", "n")
    )
    first_of_author = (
        valid.filter(author=OuterRef("author")).order_by("posted_at", "post_id").values("pk")[:1]
    )
    firsts = dict(
        valid.filter(pk=Subquery(first_of_author))
        .annotate(day=day)
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    first, last = window_days(campaign)
    today = in_beijing(now or timezone.now()).date()
    return [
        Day(d, posts.get(d, 0), firsts.get(d, 0), d <= today)
        for d in (first + timedelta(days=i) for i in range((last - first).days + 1))
    ]


# --- ranking and liability --------------------------------------------------------------


@dataclass(frozen=True)
class TopRow:
    standing: Standing
    user: User | None


@dataclass
class TierCost:
    tier: RewardTier
    pool: int  # how many posts or people qualify for this tier so far
    winners: int  # winners so far: the pool, capped by the tier's number of winners
    prizes: list[Prize]


@dataclass
class Liability:
    tiers: list[TierCost]
    money: list[tuple[str, Decimal]]  # (currency, amount) for vouchers, by currency
    gifts: list[tuple[str, int]]  # (label, count) of physical gifts
    gifts_total: int = 0
    other: list[tuple[str, int]] = field(default_factory=list)  # exposure prizes


def liability(campaign: Campaign, figs: Figures, ranked: int) -> Liability:
    """What the prizes cost if the campaign ended now: each tier has as many winners
    as it can already have (every newcomer for the newcomer tier; draws and the
    leaderboard up to their number of winners, if there are that many to choose from),
    each winner receiving every prize of the tier, `quantity` times."""
    pools = {
        RewardTier.Kind.LUCKY_POST_DRAW: figs.posts,
        RewardTier.Kind.LEADERBOARD: ranked,
        RewardTier.Kind.NEWCOMER: figs.newcomers,
        RewardTier.Kind.PARTICIPANT_DRAW: figs.participants,
    }
    money: dict[str, Decimal] = defaultdict(Decimal)
    gifts: dict[str, int] = defaultdict(int)
    other: dict[str, int] = defaultdict(int)
    tiers = []
    for tier in campaign.tiers.prefetch_related("prizes"):
        pool = pools.get(tier.kind, figs.participants)
        winners = pool if tier.winners is None else min(tier.winners, pool)
        prizes = list(tier.prizes.all())
        tiers.append(TierCost(tier, pool, winners, prizes))
        for prize in prizes:
            count = winners * prize.quantity
            if prize.kind == Prize.Kind.VOUCHER and prize.amount is not None:
                money[prize.currency.strip().upper()] += prize.amount * count
            elif prize.kind == Prize.Kind.PHYSICAL:
                gifts[prize.label] += count
            else:
                other[prize.label] += count
    return Liability(
        tiers=tiers,
        money=sorted(money.items()),
        gifts=sorted(gifts.items()),
        gifts_total=sum(gifts.values()),
        other=sorted(other.items()),
    )


def top_of_ranking(standings: list[Standing]) -> list[TopRow]:
    top = standings[:TOP]
    people = User.objects.in_bulk([s.user_id for s in top])
    return [TopRow(s, people.get(s.user_id)) for s in top]


# --- the whole page ---------------------------------------------------------------------


@dataclass
class Dashboard:
    campaign: Campaign
    now: datetime
    phase: str
    figures: Figures
    ranked: int
    top: list[TopRow]
    liability: Liability
    days: list[Day]


def campaign_dashboard(*, campaign: Campaign, now: datetime | None = None) -> Dashboard:
    """Everything the dashboard page shows, in seven queries."""
    now = now or timezone.now()
    figs = figures(campaign)
    standings = ranking_compute(campaign, now=now)
    days = per_day(campaign, now=now)
    return Dashboard(
        campaign=campaign,
        now=now,
        phase=campaign.phase(now),
        figures=figs,
        ranked=len(standings),
        top=top_of_ranking(standings),
        liability=liability(campaign, figs, len(standings)),
        days=days,
    )
