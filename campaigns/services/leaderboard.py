"""What the leaderboard pages ask of the background work: the selectors only read the
stored board (`campaigns.selectors.ranking.board_cached`); when it is over a minute old,
one request a minute (a cache `add` is the lock) asks `leaderboard_refresh` for a new
one while the old board is still served."""

from campaigns.models import Campaign
from campaigns.selectors.ranking import FRESH_SECONDS, LiveBoard, board_cached
from campaigns.tasks import leaderboard_refresh
from square.project.caching import cache_add


def _asked_key(campaign_id: int) -> str:
    return f"campaigns:board:{campaign_id}:refreshing"


def leaderboard_refresh_ask(*, campaign_id: int) -> bool:
    """Ask the background task for a fresh board of this campaign, unless another
    request did in the last minute. Whether this call asked."""
    if not cache_add(_asked_key(campaign_id), True, FRESH_SECONDS):
        return False
    leaderboard_refresh.enqueue(campaign_ids=[campaign_id])
    return True


def leaderboard_serve(*, campaign: Campaign) -> LiveBoard:
    """The leaderboard as a page shows it: the stored board as it is, and a refresh
    asked for when it is stale."""
    board = board_cached(campaign)
    if not board.is_fresh():
        leaderboard_refresh_ask(campaign_id=campaign.pk)
    return board
