"""Campaign models: the campaign and its rewards, one entry per tagged post, and what
closing and drawing leave behind."""

from campaigns.models.campaign import Campaign, Prize, RewardTier
from campaigns.models.entry import Entry
from campaigns.models.published import PublishedFile
from campaigns.models.results import (
    AuditEvent,
    Award,
    AwardItem,
    ShippingAddress,
    Snapshot,
    TierDraw,
)
from campaigns.models.score import Score, ScorePair

__all__ = [
    "AuditEvent",
    "Award",
    "AwardItem",
    "Campaign",
    "Entry",
    "Prize",
    "PublishedFile",
    "RewardTier",
    "Score",
    "ScorePair",
    "ShippingAddress",
    "Snapshot",
    "TierDraw",
]
