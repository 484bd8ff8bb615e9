"""Campaign writes. Each is keyword-only, atomic and validating; the admin, the commands
and the post hooks all call these, so they cannot disagree."""

from campaigns.services.close import campaign_close
from campaigns.services.draws import draw_run
from campaigns.services.entries import entries_recheck, entries_refresh_for_user, entry_refresh

__all__ = [
    "campaign_close",
    "draw_run",
    "entries_recheck",
    "entries_refresh_for_user",
    "entry_refresh",
]
