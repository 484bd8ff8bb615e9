"""Campaign pages' reads: the list, live figures, New Voices, one person's standing,
and the entries behind the badges on post cards."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from campaigns.models import Campaign, Entry
from campaigns.selectors.ranking import LIVE_CACHE_SECONDS, Standing, board_cached, live_standing
from square.models import Post, User
from square.pagination import Page, keyset_page
from square.project.caching import cached_value
from square.selectors import fetch_mode, posts_for_display


def campaign_list() -> list[Campaign]:
    """Public campaigns: live ones first, then upcoming, then past (newest first)."""
    campaigns = list(Campaign.objects.public().order_by("-starts_at"))
    now = timezone.now()
    order = {"live": 0, "scheduled": 1}
    return sorted(campaigns, key=lambda c: order.get(c.phase(now), 2))


def campaign_by_slug(*, slug: str) -> Campaign | None:
    return Campaign.objects.public().filter(slug=slug).prefetch_related("tiers__prizes").first()


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
    """One page of New Voices, newest first. Cut from the entries' partial index (an
    entry's posting time is its post's creation time), then the page's posts by id:
    ordering the posts themselves made the database fetch and sort every new voice —
    15,665 in the 1m benchmark — on each view."""
    card = ("post__author", "post__repost_of", "post__repost_of__author")
    entries = new_voice_entries(campaign=campaign).select_related(*card).fetch_mode(fetch_mode())
    page = keyset_page(entries, cursor, size, time_field="posted_at")
    return Page(items=[entry.post for entry in page.items], next_cursor=page.next_cursor)


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


def entries_for_posts(*, post_ids) -> list[Entry]:
    """The entries of these posts in public campaigns, in one query (post card badges)."""
    return list(
        Entry.objects.filter(post_id__in=list(post_ids))
        .exclude(campaign__status=Campaign.Status.DRAFT)
        .select_related("campaign")
    )
