"""Reads for the winners' side: a member's rewards, and what is featured on the home page.

"Featured" comes from active award items of published campaigns (`active_until` still
ahead, the award not revoked):
- featured_home: the award's post, in the home page's 推荐 Featured slot;
- featured_posts: the winner's `PICKS_PER_WINNER` best valid entries of that campaign
  (by likes + comments + reposts, ties to the newer post), in the 精选 Picks section.
Both are marked on their cards. Every read here is a fixed number of queries.
"""

from datetime import datetime

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from campaigns.models import Award, AwardItem, Campaign, Entry, Prize
from campaigns.selectors.pages import NEW_VOICES_AFTER_END
from square.models import Post
from square.project.caching import cache_forget, cached_value

PICKS_PER_WINNER = 5
HOME_CACHE_SECONDS = 60
HOME_KEY = "campaigns:home"
FEATURED_KEY = "campaigns:featured-posts"
FEATURED_KINDS = (Prize.Kind.FEATURED_HOME, Prize.Kind.FEATURED_POSTS)
PUBLISHED_POST = Post.Status.PUBLISHED
# What a card's badges read of an entry and its campaign (`presentation.card_badges`):
# a campaign row has some fifty columns, and loading them all was most of the query.
CARD_ENTRY_FIELDS = (
    *("post_id", "campaign_id", "author_id", "valid", "under_review", "reasons"),
    *("counted_chars", "posted_at"),
    *("campaign__slug", "campaign__hashtag", "campaign__min_chars", "campaign__starts_at"),
)


# --- a member's rewards ------------------------------------------------------------------


def rewards_for_user(*, user) -> list[Award]:
    """The member's awards in campaigns whose results are published (never before),
    newest campaign first, with their items, prizes, post and address: two queries."""
    items = AwardItem.objects.select_related("prize").order_by("prize__id", "pk")
    return list(
        Award.objects.filter(user=user, tier__campaign__status=Campaign.Status.PUBLISHED)
        .select_related("tier__campaign", "post", "address")
        .prefetch_related(Prefetch("items", queryset=items))
        .order_by(
            "-tier__campaign__published_at",
            "-tier__campaign__starts_at",
            "-tier__campaign_id",
            "tier__order",
            "tier_id",
        )
    )


def parcel_shipped_at(items) -> datetime | None:
    """When the award's parcel left: the latest shipping time of its physical items."""
    return max(
        (i.shipped_at for i in items if i.prize.kind == Prize.Kind.PHYSICAL and i.shipped_at),
        default=None,
    )


def address_open(*, award: Award, items) -> bool:
    """Whether the winner may still give or change the address: the award has a parcel
    (a physical item), is neither revoked nor delivered, and nothing has been shipped —
    an address changed after that would no longer say where the parcel went. The one
    rule for the page's form and for `shipping_address_save`."""
    items = list(items)
    return (
        any(i.prize.kind == Prize.Kind.PHYSICAL for i in items)
        and award.status not in (Award.Status.DELIVERED, Award.Status.REVOKED)
        and parcel_shipped_at(items) is None
    )


def award_of_user(*, user, pk: int) -> Award | None:
    """One of the member's own awards in a published campaign (None for anyone else's)."""
    return (
        Award.objects.filter(pk=pk, user=user, tier__campaign__status=Campaign.Status.PUBLISHED)
        .select_related("tier__campaign")
        .first()
    )


# --- what is featured now ----------------------------------------------------------------


def active_items(now) -> QuerySet:
    """Award items still showing: published campaign, award not revoked, not expired."""
    return AwardItem.objects.filter(
        active_until__gt=now, award__tier__campaign__status=Campaign.Status.PUBLISHED
    ).exclude(award__status=Award.Status.REVOKED)


def _score():
    return F("post__like_count") + F("post__comment_count") + F("post__repost_count")


def _better_than_outer():
    """How many of the outer entry's author's valid entries in its campaign rank above
    it (higher score, then newer, then higher post id): a subquery on `pick_score`."""
    return (
        Entry.objects.filter(
            campaign_id=OuterRef("campaign_id"),
            author_id=OuterRef("author_id"),
            valid=True,
            post__status=PUBLISHED_POST,
        )
        .annotate(other_score=_score(), other_at=F("post__created_at"))
        .filter(
            Q(other_score__gt=OuterRef("pick_score"))
            | Q(other_score=OuterRef("pick_score"), other_at__gt=OuterRef("pick_at"))
            | Q(
                other_score=OuterRef("pick_score"),
                other_at=OuterRef("pick_at"),
                post_id__gt=OuterRef("post_id"),
            )
        )
        .order_by()
        .values("author_id")
        .annotate(n=Count("pk"))
        .values("n")
    )


def _with_pick(qs: QuerySet, now) -> QuerySet:
    """Annotate entries with what `PICK` needs: their score, whether their author holds
    an active featured_posts item of that campaign (`pick_winner`), and how many of the
    author's valid entries there rank above them (`pick_better`)."""
    winner = active_items(now).filter(
        prize__kind=Prize.Kind.FEATURED_POSTS,
        award__user_id=OuterRef("author_id"),
        award__tier__campaign_id=OuterRef("campaign_id"),
    )
    # `pick_better` is counted only for winners' entries: the database skips the
    # subquery in the other branch, and while nobody holds a featured slot (the whole
    # live campaign) a card's badge would otherwise rank all of its author's entries.
    better_count = Coalesce(Subquery(_better_than_outer(), output_field=IntegerField()), Value(0))
    return qs.annotate(
        pick_score=_score(),
        pick_at=F("post__created_at"),
        pick_winner=Exists(winner),
        pick_better=Case(When(pick_winner=True, then=better_count), default=Value(0)),
    )


# A pick: a valid entry of a published post by such a winner, among their best few.
PICK = Q(
    valid=True, post__status=PUBLISHED_POST, pick_winner=True, pick_better__lt=PICKS_PER_WINNER
)


def featured_posts() -> dict[int, float]:
    """The posts featured right now, each with when that ends (a Unix time): those in a
    Featured slot, and the Picks — each featured_posts winner's best valid entries of
    that campaign. Three queries, cached for a minute (one request recomputes), and
    forgotten by the services that make something featured (`featured_forget`); the
    end times keep an expired slot from showing while the copy lasts. Picks follow
    likes within the minute."""

    def load() -> dict[int, float]:
        now = timezone.now()
        until: dict[int, float] = {}
        home = active_items(now).filter(
            prize__kind=Prize.Kind.FEATURED_HOME, award__post__status=PUBLISHED_POST
        )
        for post_id, at in home.values_list("award__post_id", "active_until"):
            until[post_id] = max(until.get(post_id, 0.0), at.timestamp())
        winners: dict[tuple[int, int], float] = {}
        items = active_items(now).filter(prize__kind=Prize.Kind.FEATURED_POSTS)
        for key_at in items.values_list(
            "award__tier__campaign_id", "award__user_id", "active_until"
        ):
            winners[key_at[:2]] = max(winners.get(key_at[:2], 0.0), key_at[2].timestamp())
        entries = Entry.objects.filter(campaign_id__in={c for c, _u in winners})
        picked = _with_pick(entries, now).filter(PICK)
        for post_id, campaign_id, author_id in picked.values_list(
            "post_id", "campaign_id", "author_id"
        ):
            at = winners.get((campaign_id, author_id), 0.0)
            until[post_id] = max(until.get(post_id, 0.0), at)
        return until

    return cached_value(FEATURED_KEY, load, fresh=HOME_CACHE_SECONDS)


def featured_forget() -> None:
    """After a change that makes something featured (results published, an alternate
    takes a revoked winner's place), the next card reads the new state: forgotten now,
    and again once the change commits (a card read in between saw the old state)."""
    cache_forget(FEATURED_KEY)


def entries_for_cards(*, post_ids, now=None) -> list[Entry]:
    """The entries of these posts in public campaigns (as `entries_for_posts`), each
    annotated `is_featured`: its post is in a Featured slot or among the Picks right
    now. One plain query for the whole page, which also asks whether anything at all
    is featured; only then are the featured posts looked up (`featured_posts`). (Asked
    per entry as subqueries, the checks took 9 ms to plan on every feed page.)"""
    now = now or timezone.now()
    anything = active_items(now).filter(prize__kind__in=FEATURED_KINDS)
    entries = list(
        Entry.objects.filter(post_id__in=list(post_ids))
        .exclude(campaign__status=Campaign.Status.DRAFT)
        .select_related("campaign")
        .only(*CARD_ENTRY_FIELDS)
        .annotate(anything_featured=Exists(anything))
    )
    featured = featured_posts() if any(e.anything_featured for e in entries) else {}
    for entry in entries:
        entry.is_featured = featured.get(entry.post_id, 0.0) > now.timestamp()
    return entries


def home_campaigns(now=None) -> list[Campaign]:
    """What the home page and the compose box need, in one query cached for a minute:
    public campaigns that have started and ended at most 30 days ago (or not yet) —
    the New Voices strips and the compose counter — and published campaigns with an
    active featured prize (annotated `has_featured`), newest first."""

    def load() -> list[Campaign]:
        moment = timezone.now()
        featured = active_items(moment).filter(
            prize__kind__in=FEATURED_KINDS, award__tier__campaign_id=OuterRef("pk")
        )
        window = Q(starts_at__lte=moment, ends_at__gte=moment - NEW_VOICES_AFTER_END)
        return list(
            Campaign.objects.public()
            .annotate(has_featured=Exists(featured))
            .filter(window | Q(status=Campaign.Status.PUBLISHED, has_featured=True))
            .order_by("-starts_at", "-pk")
        )

    return cached_value(HOME_KEY, load, fresh=HOME_CACHE_SECONDS)


def featured_home_items(*, campaign_ids, now=None) -> list[AwardItem]:
    """Active featured_home items of these campaigns whose post is still published, with
    the post, its author and the campaign (one query), newest award first."""
    now = now or timezone.now()
    return list(
        active_items(now)
        .filter(
            prize__kind=Prize.Kind.FEATURED_HOME,
            award__tier__campaign_id__in=list(campaign_ids),
            award__post__status=PUBLISHED_POST,
        )
        .select_related("award__post__author", "award__tier__campaign")
        .order_by("-award__created_at", "-pk")
    )


def picks(*, campaign_ids, now=None) -> list[Entry]:
    """Every featured_posts winner's best valid entries in these campaigns, with post
    and author (one query), best first (likes + comments + reposts, then newer)."""
    now = now or timezone.now()
    qs = Entry.objects.filter(campaign_id__in=list(campaign_ids)).select_related("post__author")
    return list(_with_pick(qs, now).filter(PICK).order_by("-pick_score", "-pick_at", "-post_id"))
