"""What the leaderboard pages ask of the live Score rows: the board as stored, and —
when a campaign has valid entries but no rows at all (just migrated, or loaded in
bulk without the hooks) — a rebuild, asked at most once a minute (a cache `add` is the
lock) while the empty board is served."""

from campaigns.models import Campaign, Entry
from campaigns.selectors.ranking import FRESH_SECONDS, LiveBoard, board_cached
from campaigns.tasks import leaderboard_rebuild
from square.project.caching import cache_add


def _asked_key(campaign_id: int) -> str:
    return f"campaigns:board:{campaign_id}:rebuilding"


def leaderboard_refresh_ask(*, campaign_id: int) -> bool:
    """Ask the background task to rebuild this campaign's rows, unless another request
    did in the last minute. Whether this call asked."""
    if not cache_add(_asked_key(campaign_id), True, FRESH_SECONDS):
        return False
    leaderboard_rebuild.enqueue(campaign_ids=[campaign_id])
    return True


def leaderboard_serve(*, campaign: Campaign) -> LiveBoard:
    """The leaderboard as a page shows it; an empty board of a campaign with valid
    entries asks for a rebuild (their rows were never built)."""
    board = board_cached(campaign)
    unbuilt = board.total == 0 and campaign.status == Campaign.Status.SCHEDULED
    if unbuilt and Entry.objects.filter(campaign=campaign, valid=True).exists():
        leaderboard_refresh_ask(campaign_id=campaign.pk)
    return board
