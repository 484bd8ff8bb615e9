"""The campaigns' version: bumped by every save or deletion of a campaign, a reward
tier or a prize — the admin's forms and inlines, the close, the draws and publishing
alike (they all save through the models) — so that every app server reads the
campaigns anew instead of its kept copy (`campaigns.selectors.campaigns.public_campaigns`).

Signals rather than calls in each service: the admin saves tiers and prizes through
inline formsets that no service sees, and a missed bump would leave a page wrong on
every server until the next one."""

from django.db.models.signals import post_delete, post_save

from campaigns.models import Campaign, Prize, RewardTier
from campaigns.selectors.campaigns import CAMPAIGNS_VERSION
from square.project.caching import version_bump

WATCHED = (Campaign, RewardTier, Prize)


def campaigns_changed(**_signal) -> None:
    """End the kept copies of the campaigns on every app server (now and at commit)."""
    version_bump(CAMPAIGNS_VERSION)


def campaigns_watch() -> None:
    """Bump the version on every save and deletion of the watched models (once, from
    `CampaignsConfig.ready`)."""
    for model in WATCHED:
        uid = f"campaigns-version-{model.__name__}"
        post_save.connect(campaigns_changed, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(campaigns_changed, sender=model, dispatch_uid=uid + "-delete")
