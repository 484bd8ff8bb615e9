"""Closing a campaign: judge every entry one last time and freeze the four lists.

After this nothing that happens on the square (edits, deletions, likes, bans) changes
who can win: the draw reads only the snapshots, and their digests are public before
the public randomness the draw uses exists.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns import draw
from campaigns.models import Campaign, Entry, Snapshot
from campaigns.selectors.ranking import ranking_compute
from campaigns.services.audit import audit_record
from campaigns.services.recheck import entries_recheck
from square.models import User
from square.project.page_cache import pages_changed


def _freeze(campaign: Campaign, kind: str, ids: list[int], rows=None) -> Snapshot:
    body = draw.list_bytes(ids).decode("ascii")
    return Snapshot.objects.create(
        campaign=campaign,
        kind=kind,
        body=body,
        digest=draw.digest(ids),
        size=len(ids),
        rows=rows or [],
    )


def _freeze_all(campaign: Campaign) -> dict[str, Snapshot]:
    valid = Entry.objects.filter(campaign=campaign, valid=True)
    posts = sorted(valid.values_list("post_id", flat=True))
    people = sorted(set(valid.values_list("author_id", flat=True)))
    standings = ranking_compute(campaign, now=campaign.ends_at_inclusive)
    ranked_rows = [
        [s.user_id, s.posts, s.likes, s.comments, s.reposts, s.score, s.rank] for s in standings
    ]
    first_post = (
        valid.filter(author_id=OuterRef("pk")).order_by("posted_at", "post_id").values("post_id")
    )
    newcomer_rows = [
        list(row)
        for row in User.objects.filter(pk__in=valid.filter(is_newcomer=True).values("author_id"))
        .annotate(first_post=Subquery(first_post[:1]))
        .order_by("pk")
        .values_list("pk", "first_post")
    ]
    K = Snapshot.Kind
    return {
        K.LUCKY_TICKETS: _freeze(campaign, K.LUCKY_TICKETS, posts),
        K.PARTICIPANT_TICKETS: _freeze(campaign, K.PARTICIPANT_TICKETS, people),
        K.RANKING: _freeze(campaign, K.RANKING, [r[0] for r in ranked_rows], ranked_rows),
        K.NEWCOMERS: _freeze(campaign, K.NEWCOMERS, [r[0] for r in newcomer_rows], newcomer_rows),
    }


@transaction.atomic
def campaign_close(*, campaign: Campaign, actor=None, now=None) -> Campaign:
    """Freeze an ended campaign (idempotent: closing a closed campaign changes nothing).

    Refused before the end, for drafts, and for staff without `close_campaign`.
    """
    if actor is not None and not actor.has_perm("campaigns.close_campaign"):
        raise PermissionDenied(_("You may not close campaigns."))
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    now = now or timezone.now()
    if campaign.status != Campaign.Status.SCHEDULED:
        if campaign.status == Campaign.Status.DRAFT:
            raise ValidationError(_("A draft campaign cannot be closed."))
        return campaign  # already closed: the lists stay as they are
    if now <= campaign.ends_at_inclusive:
        raise ValidationError(_("The campaign has not ended yet."))
    checked = entries_recheck(campaigns=[campaign])
    snapshots = _freeze_all(campaign)
    campaign.status = Campaign.Status.CLOSED
    campaign.closed_at = now
    campaign.save(update_fields=["status", "closed_at"])
    pages_changed()
    audit_record(
        campaign=campaign,
        actor=actor,
        action="close",
        result={
            "commitment": draw.commitment(campaign.seed),  # on record before any entropy
            "entries_checked": checked,
            "lists": {k: {"size": s.size, "digest": s.digest} for k, s in snapshots.items()},
            # Pinned since the start: the lists above are fixed before it exists, if
            # the close comes before the round's time (the results page shows both).
            "beacon": {
                "chain": campaign.beacon_chain,
                "round": campaign.beacon_round,
                "published_at": campaign.beacon_at.isoformat(),
            },
        },
    )
    return campaign
