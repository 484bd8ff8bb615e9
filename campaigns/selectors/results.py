"""The public, verifiable results of a campaign's draws: `results_data` is what
`/campaigns/<slug>/results.json` serves and what `campaigns/draw.py` checks, and
`results_page` adds what the results page shows beside it, from the same few queries.

What is public when:
- from scheduling: the commitment SHA-256(seed) and the pinned drand round (chain, round,
  when it is published);
- from the close: each frozen list (digest, size, download);
- from the draw (status drawn): the seed and the round's beacon (signature, randomness),
  so anyone can check the beacon and redo the draws;
- from publication: the winners and alternates (staff may preview them while drawn).
"""

from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connection
from django.db.models import JSONField
from django.db.models.expressions import RawSQL
from django.urls import reverse

from campaigns import draw
from campaigns.models import Award, Campaign, RewardTier, Snapshot, TierDraw
from campaigns.models.results import DRAWN_KINDS, TIER_LIST
from campaigns.selectors.exclusions import revoked_code
from square.permissions import staff_may

AWARDS_PERMISSION = "campaigns.view_award"
REVEALED = (Campaign.Status.DRAWN, Campaign.Status.PUBLISHED)
ROWS_HEAD = 300  # rows of a frozen list read with the results page (PostgreSQL)
FROZEN = (Campaign.Status.CLOSED, *REVEALED)


def seed_revealed(campaign: Campaign) -> bool:
    return campaign.status in REVEALED


def lists_frozen(campaign: Campaign) -> bool:
    return campaign.status in FROZEN


def winners_visible(*, campaign: Campaign, viewer=None, preview: bool = False) -> bool:
    """Winners are public once published; while drawn, only staff allowed to see the
    awards (`view_award`: operations, fulfilment) or a server-side caller passing
    `preview` see them — not every staff account."""
    if campaign.status == Campaign.Status.PUBLISHED:
        return True
    if campaign.status != Campaign.Status.DRAWN:
        return False
    return preview or staff_may(viewer, AWARDS_PERMISSION)


def list_path(campaign: Campaign, kind: str) -> str:
    return reverse("campaigns:list_download", kwargs={"slug": campaign.slug, "kind": kind})


def _url(base_url: str, path: str) -> str:
    return base_url + path


def _iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def _tier_draw(tier: RewardTier) -> TierDraw | None:
    try:
        return tier.draw
    except TierDraw.DoesNotExist:
        return None


class AwardRow(NamedTuple):
    pk: int
    tier_id: int
    user_id: int
    post_id: int | None
    position: int
    status: str
    revoked_reason: str


@dataclass
class _Loaded:
    tiers: list[RewardTier]
    snapshots: dict[str, Snapshot]  # by kind; `body` deferred, `rows` too unless shown
    awards: dict[int, list[AwardRow]] = field(default_factory=dict)  # by tier, by position


def _load(campaign: Campaign, *, shown: bool, for_page: bool) -> _Loaded:
    """Three queries (four for the page, with the prizes): the tiers with their draws,
    the snapshots without their bodies, and — only when winners are shown — the awards."""
    tiers = RewardTier.objects.filter(campaign=campaign).select_related("draw")
    if for_page:
        tiers = tiers.prefetch_related("prizes")
    snapshots = {}
    if lists_frozen(campaign):
        found = _page_snapshots(campaign) if for_page else _bare_snapshots(campaign)
        snapshots = {s.kind: s for s in found}
    loaded = _Loaded(tiers=list(tiers.order_by("order", "id")), snapshots=snapshots)
    if shown:
        # Plain rows, not model instances: a newcomer tier has thousands of awards, and
        # people and posts are loaded for the shown ones only (`_shown_awards`).
        awards = Award.objects.filter(tier__campaign=campaign).order_by("tier_id", "position")
        for award in map(AwardRow._make, awards.values_list(*AwardRow._fields)):
            loaded.awards.setdefault(award.tier_id, []).append(award)
    return loaded


def _bare_snapshots(campaign: Campaign):
    return Snapshot.objects.filter(campaign=campaign).defer("body", "rows")


def _page_snapshots(campaign: Campaign):
    """The frozen lists with the rows the page shows beside its winners. On PostgreSQL
    only their first ROWS_HEAD rows (a JSON path in the same query): the ranking keeps
    a row per ranked person — 83,208 in the 1m benchmark — and the page names at most
    PAGE_WINNERS a tier. A winner placed further down reads the whole list."""
    snapshots = Snapshot.objects.filter(campaign=campaign)
    if connection.vendor != "postgresql":
        return snapshots.defer("body")
    table = connection.ops.quote_name(Snapshot._meta.db_table)
    head = RawSQL(
        f"jsonb_path_query_array({table}.rows, '$[0 to {ROWS_HEAD - 1}]')", (), JSONField()
    )
    return snapshots.defer("body", "rows").annotate(rows_head=head)


def _snapshot_of(tier: RewardTier, loaded: _Loaded) -> Snapshot | None:
    tier_draw = _tier_draw(tier)
    if tier_draw is not None:
        found = [s for s in loaded.snapshots.values() if s.pk == tier_draw.snapshot_id]
        if found:
            return found[0]
    return loaded.snapshots.get(TIER_LIST.get(tier.kind))


def _tier_data(campaign, tier, loaded, base_url: str, shown: bool) -> dict:
    snapshot = _snapshot_of(tier, loaded)
    tier_draw = _tier_draw(tier)
    data = {
        "slug": tier.slug,
        "name": tier.name,
        "name_en": tier.name_en,
        "kind": tier.kind,
        "winner_slots": tier.winners,
        "list": snapshot.kind if snapshot else None,
        "list_digest": snapshot.digest if snapshot else None,
        "list_size": snapshot.size if snapshot else None,
        "list_url": _url(base_url, list_path(campaign, snapshot.kind)) if snapshot else None,
    }
    if tier.kind in DRAWN_KINDS and tier_draw is not None and seed_revealed(campaign):
        data["drawn"] = len(tier_draw.sequence)
    awards = loaded.awards.get(tier.pk, [])
    kept = [a for a in awards if a.status != Award.Status.REVOKED]
    data["winners"] = [
        {"user_id": a.user_id, "post_id": a.post_id, "position": a.position} for a in kept
    ]
    data["alternates"] = []
    if shown and tier.kind in DRAWN_KINDS and tier_draw is not None:
        # The picks after the first `winners` slots, in drawn order: the queue a revoked
        # winner's replacement is taken from (skipping anyone already awarded in the tier).
        sequence = tier_draw.sequence
        cut = len(sequence) if tier.winners is None else min(tier.winners, len(sequence))
        data["alternates"] = list(sequence[cut:])
    data["revoked"] = len(awards) - len(kept)
    # Only the code before the colon: the moderator's own words stay in the admin.
    revoked = (a for a in awards if a.status == Award.Status.REVOKED)  # linear: 15k+ awards
    data["revoked_codes"] = sorted(revoked_code(a.revoked_reason) for a in revoked)
    return data


def beacon_data(campaign: Campaign, *, revealed: bool) -> dict:
    """The pinned beacon as anyone checks it: the chain's parameters and the round from
    the start; the signature and its randomness once the draw took them."""
    chain = campaign.chain
    data = {
        "chain": chain.name,
        "chain_hash": chain.chain_hash,
        "public_key": chain.public_key,
        "scheme": chain.scheme,
        "genesis_time": chain.genesis_time,
        "period": chain.period,
        "round": campaign.beacon_round,
        "round_time": _iso(campaign.beacon_at),
        "relay_urls": campaign.beacon_urls,
        "signature": None,
        "randomness": None,
    }
    if revealed and campaign.beacon_signature:
        data["signature"] = campaign.beacon_signature
        data["randomness"] = campaign.entropy
        if campaign.beacon_previous_signature:
            data["previous_signature"] = campaign.beacon_previous_signature
    return data


def timeline(campaign: Campaign, *, revealed: bool) -> dict:
    """When each part became public, in order: anyone can see that the commitment and the
    lists came before the randomness existed (or that they did not)."""
    return {
        "commitment_published_at": _iso(campaign.created_at),
        "lists_frozen_at": _iso(campaign.closed_at),
        "beacon_round_at": _iso(campaign.beacon_at),
        "drawn_at": _iso(campaign.drawn_at) if revealed else None,
        "published_at": _iso(campaign.published_at),
    }


def _results(campaign: Campaign, loaded: _Loaded, base_url: str, shown: bool) -> dict:
    revealed = seed_revealed(campaign)
    return {
        "campaign": campaign.slug,
        "title": campaign.title,
        "status": campaign.status,
        "commitment": draw.commitment(campaign.seed),
        "seed": campaign.seed if revealed else None,
        "entropy": (campaign.entropy or None) if revealed else None,
        "ends_at": _iso(campaign.ends_at),
        "entropy_delay_seconds": int(campaign.entropy_delay.total_seconds()),
        "beacon": beacon_data(campaign, revealed=revealed),
        "timeline": timeline(campaign, revealed=revealed),
        "closed_at": _iso(campaign.closed_at),
        "drawn_at": _iso(campaign.drawn_at) if revealed else None,
        "published_at": _iso(campaign.published_at),
        "algorithm": draw.ALGORITHM,
        "winners_shown": shown,
        "tiers": [_tier_data(campaign, tier, loaded, base_url, shown) for tier in loaded.tiers],
    }


def results_data(
    *, campaign: Campaign, viewer=None, base_url: str = "", preview: bool = False
) -> dict:
    """Everything `draw.verify` needs, and what the results page shows beside it.

    `list_url` is absolute when a `base_url` ("https://host") is given, else a path on
    the site; `viewer` is the reader, who may be staff allowed to preview winners. Before the
    draw `seed` and `entropy` are null; winners and alternates are empty until the
    results are published (or previewed by staff, or with `preview`). Each winner's
    `position` is its index in the tier's sequence (the draw's picks, the ranking, the
    newcomers); revoked awards are left out, their replacements come later in it.
    """
    shown = winners_visible(campaign=campaign, viewer=viewer, preview=preview)
    loaded = _load(campaign, shown=shown, for_page=False)
    return _results(campaign, loaded, base_url, shown)


# --- the page -----------------------------------------------------------------------------

RANKING_COLUMNS = ("user_id", "posts", "likes", "comments", "reposts", "score", "rank")
# A tier's winners shown on the page (a newcomer tier can have thousands); results.json
# and the frozen lists have them all.
PAGE_WINNERS = 100


@dataclass
class TierResult:
    tier: RewardTier
    data: dict
    snapshot: Snapshot | None
    rows: list = field(default_factory=list)  # (award, extra) per shown winner
    winners: int = 0  # all of the tier's winners, shown or not

    @property
    def truncated(self) -> bool:
        return self.winners > len(self.rows)


@dataclass
class ResultsPage:
    data: dict
    tiers: list[TierResult]
    lists: list[tuple[Snapshot, str]]  # each frozen list and its download path
    winners_shown: bool
    preview: bool  # winners shown to staff before publication
    events: list[tuple[str, object]] = field(default_factory=list)  # (what, when), in order

    @property
    def revoked(self) -> int:
        return sum(t.data["revoked"] for t in self.tiers)


def _shown_awards(loaded: _Loaded) -> dict[int, list[Award]]:
    """{tier id: its first PAGE_WINNERS kept awards}, with winners and posts loaded for
    those only (one query for every tier)."""
    shown = {
        tier_id: [a for a in awards if a.status != Award.Status.REVOKED][:PAGE_WINNERS]
        for tier_id, awards in loaded.awards.items()
    }
    ids = [a.pk for awards in shown.values() for a in awards]
    found = Award.objects.select_related("user", "post").in_bulk(ids) if ids else {}
    return {tier_id: [found[a.pk] for a in awards] for tier_id, awards in shown.items()}


def _row_at(snapshot: Snapshot | None, position: int) -> list | None:
    """The frozen list's row at `position` (an award's place in its tier's sequence)."""
    if snapshot is None:
        return None
    head = getattr(snapshot, "rows_head", None)
    rows = head if head is not None and position < ROWS_HEAD else snapshot.rows
    return rows[position] if position < len(rows) else None


def _page_rows(tier: RewardTier, kept: list[Award], snapshot: Snapshot | None) -> list:
    if tier.kind == RewardTier.Kind.LEADERBOARD:
        figures = [dict(zip(RANKING_COLUMNS, _row_at(snapshot, a.position) or [], strict=False))
                   for a in kept]  # fmt: skip
        return list(zip(kept, figures, strict=True))
    if tier.kind == RewardTier.Kind.NEWCOMER:
        rows = [_row_at(snapshot, a.position) for a in kept]
        return [(a, row[1] if row and len(row) > 1 and row[0] == a.user_id else None)
                for a, row in zip(kept, rows, strict=True)]  # fmt: skip
    return [(a, None) for a in kept]


def results_page(*, campaign: Campaign, viewer=None, base_url: str = "") -> ResultsPage:
    """The results page: the same data as results.json plus the people, posts, prizes
    and ranking figures to show — of at most PAGE_WINNERS winners a tier (six queries
    whatever the number of awards)."""
    shown = winners_visible(campaign=campaign, viewer=viewer)
    loaded = _load(campaign, shown=shown, for_page=True)
    data = _results(campaign, loaded, base_url, shown)
    tiers, awards = [], _shown_awards(loaded) if shown else {}
    for tier, tier_data in zip(loaded.tiers, data["tiers"], strict=True):
        snapshot = _snapshot_of(tier, loaded)
        rows = _page_rows(tier, awards.get(tier.pk, []), snapshot) if shown else []
        winners = len(tier_data["winners"])
        tiers.append(TierResult(tier, tier_data, snapshot, rows=rows, winners=winners))
    order = [k for k in Snapshot.Kind.values if k in loaded.snapshots]
    lists = [(loaded.snapshots[k], list_path(campaign, k)) for k in order]
    preview = shown and campaign.status != Campaign.Status.PUBLISHED
    return ResultsPage(
        data=data, tiers=tiers, lists=lists, winners_shown=shown, preview=preview,
        events=public_events(campaign, revealed=data["seed"] is not None),
    )  # fmt: skip


def public_events(campaign: Campaign, *, revealed: bool) -> list[tuple[str, object]]:
    """What became public when, in the order it happened (the page lists them so):
    anyone sees whether the lists were fixed before the beacon round existed."""
    events = [
        ("commitment", campaign.created_at),
        ("lists", campaign.closed_at),
        ("beacon", campaign.beacon_at),
        ("draw", campaign.drawn_at if revealed else None),
        ("published", campaign.published_at),
    ]
    return sorted(((what, when) for what, when in events if when), key=lambda e: e[1])


def fairness_box(campaign: Campaign) -> dict:
    """The campaign page's small fairness box: the commitment from creation on, the
    pinned beacon round, and once closed the lists' digests (one query, only then)."""
    lists = []
    if lists_frozen(campaign):
        snapshots = Snapshot.objects.filter(campaign=campaign).only("kind", "digest", "size")
        by_kind = {s.kind: s for s in snapshots}
        lists = [(by_kind[k], list_path(campaign, k)) for k in Snapshot.Kind.values if k in by_kind]
    return {
        "commitment": draw.commitment(campaign.seed),
        "chain": campaign.chain,
        "beacon_round": campaign.beacon_round,
        "beacon_at": campaign.beacon_at,
        "beacon_urls": campaign.beacon_urls,
        "closed_at": campaign.closed_at,
        "lists_before_beacon": campaign.lists_before_beacon,
        "frozen": lists_frozen(campaign),
        "revealed": seed_revealed(campaign),
        "lists": lists,
    }
