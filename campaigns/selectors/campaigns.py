"""Campaign pages' reads: the list, live figures, New Voices, one person's standing,
and the entries behind the badges on post cards."""

import copy
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from campaigns.models import Campaign, Entry, Prize, RewardTier
from campaigns.selectors.ranking import LIVE_CACHE_SECONDS, Standing, board_cached, live_standing
from square.models import Post, User
from square.pagination import Page, cursor_decode, cursor_encode
from square.project.caching import cached_value, local_value, version_get
from square.selectors import card_rows, posts_for_display
from square.selectors.prepared import prepared_rows

CAMPAIGNS_VERSION = "campaigns:version"
FEATURED_PRIZES = (Prize.Kind.FEATURED_HOME, Prize.Kind.FEATURED_POSTS)


def campaign_list() -> list[Campaign]:
    """Public campaigns: live ones first, then upcoming, then past (newest first)."""
    campaigns = list(Campaign.objects.public().order_by("-starts_at"))
    now = timezone.now()
    order = {"live": 0, "scheduled": 1}
    return sorted(campaigns, key=lambda c: order.get(c.phase(now), 2))


def public_campaigns() -> dict[str, Campaign]:
    """Every public campaign by slug, kept in this process while the campaigns'
    version holds (bumped by every save of a campaign, tier or prize:
    `campaigns.services.versions`), so a campaign page reads no campaign row. A
    handful of campaigns at most: they are made by staff."""

    def load() -> dict[str, Campaign]:
        return {c.slug: c for c in Campaign.objects.public()}

    return local_value("campaigns:public", version_get(CAMPAIGNS_VERSION), load)


def campaign_public(*, slug: str) -> Campaign | None:
    """A public campaign from the kept copy: a copy of the instance, so that what a
    request sets on it stays in that request."""
    campaign = public_campaigns().get(slug)
    return copy.copy(campaign) if campaign is not None else None


def campaign_by_slug(*, slug: str) -> Campaign | None:
    """A public campaign with its tiers and prizes (`campaign.tiers.all()`), all from
    copies kept under the same version: no query while it holds."""
    campaign = campaign_public(slug=slug)
    if campaign is None:
        return None

    def load() -> QuerySet:
        tiers = RewardTier.objects.filter(campaign_id=campaign.pk).prefetch_related("prizes")
        list(tiers)  # evaluated once: each request reads its results
        return tiers

    key = f"campaigns:tiers:{campaign.pk}"
    tiers = local_value(key, version_get(CAMPAIGNS_VERSION), load)
    campaign._prefetched_objects_cache = {"tiers": tiers}
    return campaign


def featured_possible() -> bool:
    """Whether any public campaign has a featured prize (else nothing can be featured
    and the featured posts need not be looked up): kept under the campaigns' version."""

    def load() -> bool:
        prizes = Prize.objects.filter(kind__in=FEATURED_PRIZES)
        return prizes.exclude(tier__campaign__status=Campaign.Status.DRAFT).exists()

    return local_value("campaigns:featured-possible", version_get(CAMPAIGNS_VERSION), load)


def campaign_figures(*, campaign: Campaign) -> dict:
    """Valid posts, participants and newcomers (cached for a minute while live)."""

    def count() -> dict:
        valid = Entry.objects.filter(campaign=campaign, valid=True)
        return valid.aggregate(
            posts=Count("pk"),
            participants=Count("author", distinct=True),
            newcomers=Count("author", distinct=True, filter=Q(is_newcomer=True)),
        )

    return cached_value(f"campaigns:figures:{campaign.pk}", count, fresh=LIVE_CACHE_SECONDS)


def new_voice_entries(*, campaign: Campaign) -> QuerySet:
    """Each newcomer's first valid entry: a stored flag (`Entry.first_valid`) with a
    partial index on (campaign, -posted_at), so nobody's entries are searched per view."""
    return Entry.objects.filter(campaign=campaign, first_valid=True, is_newcomer=True)


def new_voices(*, campaign: Campaign) -> QuerySet:
    """新年新声: newcomers' first valid entries as posts, newest first."""
    ids = new_voice_entries(campaign=campaign).values("post_id")
    return posts_for_display(Post.objects.filter(pk__in=ids).newest_first())


def new_voices_page(*, campaign: Campaign, cursor: str | None, size: int) -> Page:
    """One page of New Voices, newest first, as card rows (`square.selectors.card_rows`)
    in one query: the page's post ids are cut from the entries' partial index (an
    entry's posting time is its post's creation time, so the cursor is the post's
    keyset), then their rows read by id. Ordering the posts themselves made the
    database fetch and sort every new voice — 15,665 in the 1m benchmark — on each
    view."""
    entries = new_voice_entries(campaign=campaign).order_by("-posted_at", "-post_id")
    if cursor:
        moment, pk = cursor_decode(cursor)
        entries = entries.filter(posted_at__lte=moment).filter(
            Q(posted_at__lt=moment) | Q(posted_at=moment, post_id__lt=pk)
        )
    ids = entries.values("post_id")[: size + 1]
    rows = list(card_rows(Post.objects.filter(pk__in=ids).newest_first()))
    items = rows[:size]
    next_cursor = cursor_encode(items[-1].created_at, items[-1].pk) if len(rows) > size else None
    return Page(items=items, next_cursor=next_cursor)


@dataclass
class MyStanding:
    entries: list[Entry]
    valid_posts: int
    standing: Standing | None
    is_newcomer: bool
    total_ranked: int = 0
    board_stale: bool = False  # the ranking read is over a minute old: ask for a new one


def my_standing(*, campaign: Campaign, user: User) -> MyStanding:
    """What a signed-in person sees of themselves: every entry with its reasons, how
    many count, their rank (from the cached ranking) and whether they are new."""
    entries = list(
        Entry.objects.filter(campaign=campaign, author=user)
        .select_related("post")
        .order_by("-posted_at")
    )
    valid = [e for e in entries if e.valid]
    board = board_cached(campaign)
    standing = live_standing(board, user.pk)
    newcomer = bool(valid) and valid[0].is_newcomer
    return MyStanding(
        entries,
        len(valid),
        standing,
        newcomer,
        total_ranked=board.total,
        board_stale=not board.is_fresh(),
    )


CARD_ENTRY = (
    *("post_id", "campaign_id", "author_id", "valid", "under_review", "reasons"),
    *("counted_chars", "posted_at"),  # what the reasons' texts read (`rules.Reason`)
)


def _card_entries(post_ids: list[int]) -> QuerySet:
    return Entry.objects.filter(post_id__in=post_ids).values_list(*CARD_ENTRY)


def card_entries(*, post_ids) -> list[tuple]:
    """The entries of these posts in public campaigns, each with its campaign, for the
    badges on post cards: one indexed lookup of the few columns a badge reads (on
    `post_id`, compiled once: `prepared_rows`), as rows with the entry's attribute
    names; the campaigns come from the kept copy (`public_campaigns`): no join and no
    model instance."""
    ids = sorted(post_ids)
    rows = prepared_rows("card-entries", _card_entries, ids) if ids else []
    campaigns = {c.pk: c for c in public_campaigns().values()} if rows else {}
    # A draft campaign's entries are not shown.
    return [(row, campaigns[row.campaign_id]) for row in rows if row.campaign_id in campaigns]


def entries_for_posts(*, post_ids) -> list[Entry]:
    """The entries of these posts in public campaigns, in one query (post card badges)."""
    return list(
        Entry.objects.filter(post_id__in=list(post_ids))
        .exclude(campaign__status=Campaign.Status.DRAFT)
        .select_related("campaign")
    )
