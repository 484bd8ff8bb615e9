"""Background work of campaigns (`django.tasks`): rebuilding live leaderboards.

The live Score rows are kept in each write's own transaction
(`campaigns.services.scores`); what cannot be done that way is a change of a
campaign's scoring rules (weights, caps, the interactors' minimum age), which moves
every row at once, and a campaign whose rows were never built. Both ask
`leaderboard_rebuild`: on the immediate backend it runs right after the commit, in the
requesting process; with TASKS_BACKEND=database, in `make worker`.
"""

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from campaigns.models import Campaign
from campaigns.services.scores import score_rows_rebuild
from square.project.page_cache import pages_changed


def live_campaigns():
    """Campaigns that have started and are not closed: their ranking can still move."""
    return Campaign.objects.accepting_entries().filter(starts_at__lte=timezone.now())


@task
def leaderboard_rebuild(campaign_ids: list[int] | None = None) -> dict[str, int]:
    """Rebuild the Score rows of every open campaign (or of these) from scratch.
    Returns {campaign id: people ranked}."""
    campaigns = Campaign.objects.accepting_entries().order_by("pk")
    if campaign_ids is not None:
        campaigns = campaigns.filter(pk__in=campaign_ids)
    rebuilt = {str(c.pk): score_rows_rebuild(campaign=c) for c in campaigns}
    if rebuilt:
        pages_changed()  # the boards visitors see have moved
    return rebuilt


def _enqueue_rebuild(campaign_id: int) -> None:
    leaderboard_rebuild.enqueue(campaign_ids=[campaign_id])


def leaderboard_rebuild_soon(*, campaign_id: int) -> None:
    """Ask, once the current transaction commits, for this campaign's rows to be rebuilt
    (its scoring rules changed). A failure to enqueue is logged; the command
    `campaign_leaderboard_rebuild` does the same by hand."""
    transaction.on_commit(lambda: _enqueue_rebuild(campaign_id), robust=True)
