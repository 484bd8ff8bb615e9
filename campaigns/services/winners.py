"""Making a winner: an award with its items. The draw makes its winners here, and so
does a disqualification when the next alternate takes the revoked place
(`campaigns.services.awards`). Both build on this module, so awards never imports the
draw, which itself revokes banned winners through awards.
"""

from datetime import timedelta

from campaigns.models import Award, AwardItem, Prize, RewardTier
from campaigns.models.results import voucher_code

VOUCHER_VALID_FOR = timedelta(days=90)


def award_create(*, tier: RewardTier, user_id: int, post_id, position: int, now) -> Award:
    """An award with one item per prize of the tier: a fresh voucher code, or the time
    until which a featured slot shows."""
    award = Award.objects.create(
        tier=tier, user_id=user_id, post_id=post_id, position=position, created_at=now
    )
    for prize in tier.prizes.all():
        is_voucher = prize.kind == Prize.Kind.VOUCHER
        AwardItem.objects.create(
            award=award,
            prize=prize,
            code=voucher_code() if is_voucher else None,
            amount=prize.amount if is_voucher else None,
            currency=prize.currency if is_voucher else "",
            expires_at=now + VOUCHER_VALID_FOR if is_voucher else None,
            active_until=now + timedelta(days=prize.duration_days) if prize.duration_days else None,
        )
    return award
