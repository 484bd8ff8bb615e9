"""Running the draws: every tier's winners from the frozen lists, the committed seed and
the randomness of the drand beacon the rules pinned, taken only once its signature
verifies. Idempotent (a second run changes nothing) and atomic (a failure half-way leaves
no award; the rerun gives the same winners). A refused beacon changes nothing but is
recorded in the campaign's audit log, so attempts with other values are visible."""

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns import draw
from campaigns.beacons import beacon_check, beacon_parse
from campaigns.models import Campaign, Entry, RewardTier, TierDraw
from campaigns.models.results import DRAWN_KINDS, TIER_LIST
from campaigns.services.audit import audit_record
from campaigns.services.moderation import awards_revoke_banned
from campaigns.services.winners import award_create
from square.project.page_cache import pages_changed

# The refusals of a beacon (their codes, from campaigns.beacons): each is audited.
BEACON_CHECKS = ("malformed", "round", "randomness", "signature")


def _sequence(campaign: Campaign, tier: RewardTier, ids: list[int], entropy: str, skip: int):
    """The ordered candidates of a tier: drawn picks, or the head of the frozen list.
    `skip` more than needed, for candidates that cannot win (earlier winners)."""
    wanted = (tier.winners if tier.winners is not None else len(ids)) + tier.alternates + skip
    if tier.kind in DRAWN_KINDS:
        return draw.draw(campaign.seed, entropy, tier.slug, ids, wanted)
    return ids[:wanted]


def _authors(campaign: Campaign, tier: RewardTier, sequence: list[int]) -> dict[int, int] | None:
    """Who wrote each drawn post of a post-ticket tier. Only the drawn sequence (tens of
    ids) is looked up, not the whole ticket list: at a million tickets that lookup was
    most of a draw's time and memory (docs/benchmarks.md)."""
    if tier.kind != RewardTier.Kind.LUCKY_POST_DRAW:
        return None
    entries = Entry.objects.filter(campaign=campaign, post_id__in=sequence)
    return dict(entries.values_list("post_id", "author_id"))


def _take(tier: RewardTier, sequence: list[int], excluded: set[int], post_authors):
    """(position, user, post) of the winners: the first eligible candidates in order.
    `post_authors` maps drawn posts to their authors; None when tickets are people."""
    limit = tier.winners if tier.winners is not None else len(sequence)
    chosen, users = [], set()
    is_post = post_authors is not None
    for position, candidate in enumerate(sequence):
        if len(chosen) >= limit:
            break
        user_id = post_authors[candidate] if is_post else candidate
        if user_id in users or user_id in excluded:
            continue  # one award per tier and person; earlier winners if so configured
        chosen.append((position, user_id, candidate if is_post else None))
        users.add(user_id)
    return chosen


def _draw_tiers(campaign: Campaign, entropy: str, now) -> dict:
    snapshots = {s.kind: s for s in campaign.snapshots.all()}
    won: set[int] = set()
    summary = {}
    for tier in campaign.tiers.order_by("order", "id").prefetch_related("prizes"):
        snapshot = snapshots[TIER_LIST[tier.kind]]
        excluded = won if tier.exclude_previous_winners else set()
        sequence = _sequence(campaign, tier, snapshot.ids, entropy, len(excluded))
        TierDraw.objects.create(tier=tier, snapshot=snapshot, sequence=sequence, drawn_at=now)
        winners = _take(tier, sequence, excluded, _authors(campaign, tier, sequence))
        for position, user_id, post_id in winners:
            award_create(tier=tier, user_id=user_id, post_id=post_id, position=position, now=now)
        won |= {user_id for _p, user_id, _post in winners}
        summary[tier.slug] = [user_id for _p, user_id, _post in winners]
    return summary


def draw_run(*, campaign: Campaign, beacon: str | bytes, actor=None, now=None) -> Campaign:
    """Draw every tier of a closed campaign with the pinned round's beacon (the JSON a
    relay serves). A campaign already drawn is returned as it is: drawing again never
    changes a winner. A refused beacon raises the refusal after recording it."""
    try:
        return _draw_locked(campaign=campaign, beacon=beacon, actor=actor, now=now)
    except ValidationError as refusal:
        if getattr(refusal, "code", None) in BEACON_CHECKS:
            # In a transaction of its own: the draw's was rolled back with nothing in it.
            text = beacon.decode("utf-8", "replace") if isinstance(beacon, bytes) else beacon
            audit_record(
                campaign=campaign, actor=actor, action="draw_refused",
                inputs={"beacon": str(text)[:600]},
                result={"check": refusal.code, "pinned_round": campaign.beacon_round},
            )  # fmt: skip
        raise


@transaction.atomic
def _draw_locked(*, campaign: Campaign, beacon: str | bytes, actor, now) -> Campaign:
    """The row lock makes two staff pressing the button at once wait for each other; the
    second sees it drawn."""
    if actor is not None and not actor.has_perm("campaigns.run_draw"):
        raise PermissionDenied(_("You may not run draws."))
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status in (Campaign.Status.DRAWN, Campaign.Status.PUBLISHED):
        return campaign
    if campaign.status != Campaign.Status.CLOSED:
        raise ValidationError(_("Close the campaign before drawing."))
    now = now or timezone.now()
    checked = beacon_check(
        chain=campaign.chain, round_number=campaign.beacon_round, beacon=beacon_parse(beacon)
    )
    summary = _draw_tiers(campaign, checked["randomness"], now)
    campaign.entropy = checked["randomness"]
    campaign.beacon_signature = checked["signature"]
    campaign.beacon_previous_signature = checked.get("previous_signature", "")
    campaign.status, campaign.drawn_at = Campaign.Status.DRAWN, now
    campaign.save(
        update_fields=[
            "entropy", "beacon_signature", "beacon_previous_signature", "status", "drawn_at"
        ]
    )  # fmt: skip
    revoked = awards_revoke_banned(campaign=campaign)
    pages_changed()
    audit_record(
        campaign=campaign, actor=actor, action="draw",
        inputs={"beacon": json.dumps(checked, sort_keys=True)},
        result={"winners": summary, "revoked_banned": revoked, "entropy": checked["randomness"]},
    )  # fmt: skip
    return campaign
