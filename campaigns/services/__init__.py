"""Campaign writes. Each is keyword-only, atomic and validating; the admin, the commands
and the post hooks all call these, so they cannot disagree."""

from campaigns.services.awards import (
    award_disqualify,
    award_mark,
    results_publish,
    shipping_address_save,
)
from campaigns.services.close import campaign_close
from campaigns.services.draws import draw_run
from campaigns.services.entries import entries_refresh_for_user, entry_refresh
from campaigns.services.recheck import entries_recheck

__all__ = [
    "award_disqualify",
    "award_mark",
    "campaign_close",
    "draw_run",
    "entries_recheck",
    "entries_refresh_for_user",
    "entry_refresh",
    "results_publish",
    "shipping_address_save",
]
