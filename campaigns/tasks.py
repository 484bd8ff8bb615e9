"""Background work of campaigns: keeping live leaderboards fresh (`django.tasks`).

Entries are judged inside each post write (they must be right when the request ends);
the leaderboard is derived from them and from likes, comments and reposts, and the
pages read it from the cache (`campaigns.selectors.ranking.ranking`, a minute at most).
After a change commits, `leaderboard_refresh_soon` asks for one recomputation per
SQUARE_LEADERBOARD_REFRESH_SECONDS across every app server (a cache `add` is the lock):
on the database backend the task runs at the end of that window, so it sees every
change made in it; on the immediate backend it runs at once, in the requesting process.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from campaigns.models import Campaign
from campaigns.selectors.ranking import ranking_refresh
from square.project.page_cache import pages_changed

logger = logging.getLogger(__name__)

REFRESH_LOCK_KEY = "campaigns:leaderboard:refresh-requested"


def live_campaigns():
    """Campaigns that have started and are not closed: their ranking can still move."""
    return Campaign.objects.accepting_entries().filter(starts_at__lte=timezone.now())


@task
def leaderboard_refresh(campaign_ids: list[int] | None = None) -> dict[str, int]:
    """Recompute the ranking of every live campaign (or of these) and cache it where the
    pages read it. Returns {campaign id: people ranked}."""
    campaigns = live_campaigns().order_by("pk")
    if campaign_ids is not None:
        campaigns = campaigns.filter(pk__in=campaign_ids)
    refreshed = {str(c.pk): ranking_refresh(c).total for c in campaigns}
    if refreshed:
        pages_changed()  # the boards visitors see have moved
    return refreshed


def _request_refresh() -> None:
    delay = settings.SQUARE_LEADERBOARD_REFRESH_SECONDS
    if not cache.add(REFRESH_LOCK_KEY, True, timeout=delay):
        return  # one is already on its way for this window
    refresh = leaderboard_refresh
    if refresh.get_backend().supports_defer and delay > 0:
        refresh = refresh.using(run_after=timezone.now() + timedelta(seconds=delay))
    refresh.enqueue()


def leaderboard_refresh_soon() -> None:
    """Ask, once the current transaction commits, for the live leaderboards to be
    recomputed (at most once per SQUARE_LEADERBOARD_REFRESH_SECONDS). A failure here
    (the cache or the queue unreachable) is logged; the write has committed and the
    ranking still refreshes itself within a minute."""
    transaction.on_commit(_request_refresh, robust=True)
