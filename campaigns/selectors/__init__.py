"""Campaign reads, each returning ready data with a bounded number of queries."""

from campaigns.selectors.campaigns import (
    MyStanding,
    campaign_by_slug,
    campaign_figures,
    campaign_list,
    entries_for_posts,
    my_standing,
    new_voices,
    new_voices_page,
)
from campaigns.selectors.ranking import (
    LiveBoard,
    Standing,
    board_cached,
    live_standing,
    ranking_compute,
)

__all__ = [
    "LiveBoard",
    "MyStanding",
    "Standing",
    "board_cached",
    "campaign_by_slug",
    "campaign_figures",
    "campaign_list",
    "entries_for_posts",
    "live_standing",
    "my_standing",
    "new_voices",
    "new_voices_page",
    "ranking_compute",
]
