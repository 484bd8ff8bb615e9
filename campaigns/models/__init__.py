"""Campaign models: the campaign and its rewards, and one entry per tagged post."""

from campaigns.models.campaign import Campaign, Prize, RewardTier
from campaigns.models.entry import Entry

__all__ = ["Campaign", "Entry", "Prize", "RewardTier"]
