"""Staff tools for campaigns: a campaign with its reward tiers, each tier with its
prizes, the entries to browse (never to edit: the post hook keeps them), and a
dashboard per campaign. Actions call the same services as the site."""

from campaigns.admin import campaign, entries  # noqa: F401 (registers the admins)
