"""The campaigns the browser journeys act in, built with the campaigns' factories.

The live server runs on the real clock, so windows are placed around `timezone.now()`:
a live campaign started a day ago and ends in a week; an ended one ran from ten days
ago to yesterday. What happens inside an ended window (posts, likes) is dated with the
factories' `entry_post(at=…)` and `like_at(…, at=…)`.
"""

from datetime import timedelta

from django.contrib.auth.models import Permission
from django.utils import timezone

from campaigns.models import Campaign
from campaigns.tests.factories import (
    TAG,
    WINDOW_END,
    WINDOW_START,
    CampaignFactory,
    PrizeFactory,
    RewardTierFactory,
    distinct_text,
    entry_post,
    like_at,
    member,
)
from square.models import Post, User
from square.tests.factories import UserFactory


def live_campaign() -> Campaign:
    """The New-Year campaign, live now, with a leaderboard tier (top 3, a gift box)."""
    campaign = CampaignFactory(
        live=True, slug="first-post", title=f"#{TAG} 新年第一帖", title_en="My first post of 2026"
    )
    top = RewardTierFactory(
        campaign=campaign, slug="top", kind="leaderboard", winners=3,
        name="人气前三", name_en="Top 3",
    )  # fmt: skip
    PrizeFactory(tier=top, kind="physical", label="新年礼盒", label_en="New-Year gift box")
    return campaign


def regular(username: str, display_name: str, campaign: Campaign, *, ago: timedelta) -> User:
    """A member of long standing (joined long ago, first posted before the campaign, so
    no newcomer) with one valid entry written `ago`."""
    person = member(username=username, display_name=display_name)
    entry_post(person, at=campaign.starts_at - timedelta(days=30), body=distinct_text(20))
    entry_post(person, at=timezone.now() - ago)
    return person


def newcomer_with_entry(username: str, display_name: str, *, ago: timedelta) -> Post:
    """A member whose only post is a valid entry written `ago` (a newcomer)."""
    person = member(username=username, display_name=display_name)
    return entry_post(person, at=timezone.now() - ago)


def ended_campaign() -> tuple[Campaign, User]:
    """A campaign over the New-Year window (so its rules pin the drand round recorded in
    campaigns/demo/relay/, and its draw takes a real beacon) that waits to be closed:
    mei leads the ranking (two valid posts, liked by three fans), three others posted
    once. Tier "top" (the leaderboard, one winner) gives a 50 USDT voucher and a gift
    box; tier "lucky" draws one valid post for a 2026 USDT voucher. Returns the campaign
    and mei."""
    start, end = WINDOW_START, WINDOW_END
    campaign = CampaignFactory(
        slug="first-post-2025", title=f"#{TAG} 上一季", title_en="Last season's first post",
        starts_at=start, ends_at=end,
    )  # fmt: skip
    top = RewardTierFactory(
        campaign=campaign, slug="top", kind="leaderboard", winners=1,
        name="榜首", name_en="Top of the board", order=1,
    )  # fmt: skip
    PrizeFactory(tier=top, voucher=True, label="50U 代金券", label_en="50 USDT voucher")
    PrizeFactory(tier=top, kind="physical", label="新年礼盒", label_en="New-Year gift box")
    lucky = RewardTierFactory(
        campaign=campaign, slug="lucky", kind="lucky_post_draw", winners=1,
        name="幸运帖", name_en="Lucky post", order=2,
    )  # fmt: skip
    PrizeFactory(tier=lucky, kind="voucher", amount="2026.00", currency="USDT", label="2026U")
    mei = member(username="mei", display_name="韩梅梅")
    fans = [member(username=f"fan{i}") for i in range(3)]
    for day in (2, 3):
        post = entry_post(mei, at=start + timedelta(days=day))
        for fan in fans:
            like_at(fan, post)
    for i, fan in enumerate(fans):
        entry_post(fan, at=start + timedelta(days=4, hours=i))
    return campaign, mei


def staff(username: str, *codenames: str) -> User:
    """A staff member who may view and change campaigns and awards, plus `codenames`."""
    person = UserFactory(username=username, is_staff=True)
    wanted = {"view_campaign", "change_campaign", "view_award", *codenames}
    person.user_permissions.set(
        Permission.objects.filter(content_type__app_label="campaigns", codename__in=wanted)
    )
    return person
