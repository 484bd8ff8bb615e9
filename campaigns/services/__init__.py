"""Campaign writes. Each is keyword-only, atomic and validating; the admin, the commands
and the post hooks all call these, so they cannot disagree."""

from campaigns.services.entries import entries_recheck, entries_refresh_for_user, entry_refresh

__all__ = ["entries_recheck", "entries_refresh_for_user", "entry_refresh"]
