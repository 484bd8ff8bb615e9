"""What a moderation decision in the square means for campaigns (registered as the
square's `moderated` hook): each touched campaign records it in its audit log, and
awards the decision takes away are revoked through `award_disqualify`, so the next
alternate takes each place exactly as when staff disqualify a winner by hand.

Open campaigns need nothing more: the decision already re-judged their entries.
"""

from django.db import transaction

from campaigns.models import Award, Campaign, Entry
from campaigns.selectors.exclusions import exclusions_forget
from campaigns.services.audit import audit_record
from campaigns.services.awards import award_disqualify
from campaigns.services.published import published_files_build

DRAWN = (Campaign.Status.DRAWN, Campaign.Status.PUBLISHED)
# Reason codes written on revoked awards, before the moderator's own words.
REVOKE_CODES = {"confirm": "duplicate_of_other", "hide": "hidden", "ban": "author_banned"}


def _awards_taken_away(action: str, post, user):
    """Awards this decision revokes: those won with the post (confirmed copy, hidden),
    or every award of a banned person. Parcels already delivered stay delivered."""
    awards = Award.objects.filter(tier__campaign__status__in=DRAWN).exclude(
        status__in=(Award.Status.REVOKED, Award.Status.DELIVERED)
    )
    if action == "ban":
        return awards.filter(user=user)
    if action in ("confirm", "hide") and post is not None:
        return awards.filter(post=post)
    return awards.none()


def _campaigns_touched(post, user) -> list[Campaign]:
    entries = Entry.objects.filter(post=post) if post is not None else Entry.objects.none()
    if user is not None and post is None:
        entries = Entry.objects.filter(author=user)
    return list(Campaign.objects.filter(pk__in=entries.values("campaign_id")))


@transaction.atomic
def moderation_applied(*, action: str, actor, reason: str, post=None, user=None) -> None:
    """Audit the decision in every campaign it touches and revoke what it takes away."""
    revoked: dict[int, list[int]] = {}
    for award in _awards_taken_away(action, post, user).select_related("tier"):
        code = REVOKE_CODES[action]
        award_disqualify(award=award, reason=f"{code}: {reason}", republish=False)
        revoked.setdefault(award.tier.campaign_id, []).append(award.pk)
    touched = {c.pk: c for c in _campaigns_touched(post, user)}
    touched |= {c.pk: c for c in Campaign.objects.filter(pk__in=revoked)}
    for campaign in touched.values():
        exclusions_forget(campaign=campaign)
        audit_record(
            campaign=campaign,
            actor=actor,
            action=f"moderation_{action}",
            inputs={"post": getattr(post, "pk", None), "user": getattr(user, "pk", None),
                    "reason": reason},
            result={"revoked_awards": revoked.get(campaign.pk, [])},
        )  # fmt: skip
        published_files_build(campaign=campaign)  # new winners or exclusions, if published


def awards_revoke_banned(*, campaign: Campaign) -> int:
    """Right after a draw: people banned between the close and the draw lose what the
    frozen lists gave them, and the alternates step in. Returns how many."""
    awards = Award.objects.filter(tier__campaign=campaign, user__banned_at__isnull=False)
    count = 0
    for award in awards.exclude(status=Award.Status.REVOKED).select_related("user"):
        award_disqualify(
            award=award, reason=f"author_banned: {award.user.ban_reason}", republish=False
        )
        count += 1
    return count
