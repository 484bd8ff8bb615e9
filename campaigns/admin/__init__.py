"""Staff tools for campaigns: a campaign with its reward tiers, each tier with its
prizes, the entries to browse (never to edit: the post hook keeps them), and a
dashboard per campaign. Actions call the same services as the site.

Closing, drawing, publishing and exporting have confirmation pages (operations); the
awards, frozen lists, tier draws and the audit log are read here (awards)."""

from campaigns.admin import awards, campaign, entries  # noqa: F401 (registers the admins)
