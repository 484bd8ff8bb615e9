"""After the draw: publishing results, replacing a disqualified winner, marking prizes
issued and delivered, and the winner's shipping address."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Award, Campaign, Entry, RewardTier, ShippingAddress
from campaigns.selectors.rewards import address_open, featured_forget
from campaigns.services.audit import audit_record
from campaigns.services.published import published_files_build
from campaigns.services.winners import award_create
from square.project.page_cache import pages_changed
from square.services.notifications import notification_create
from square.text import has_visible

ADDRESS_FIELDS = ("name", "phone", "address", "postcode", "country")


def _notify_winner(award: Award) -> None:
    notification_create(
        recipient=award.user,
        kind="award",
        post=award.post,
        group_key=f"award:{award.pk}",
        data={"award": award.pk, "campaign": award.tier.campaign.slug},
    )


@transaction.atomic
def results_publish(
    *, campaign: Campaign, actor=None, now=None, base_url: str | None = None
) -> Campaign:
    """Make a drawn campaign's results public (the seed is shown from then on), render
    them once as the files everyone is served (`base_url`: the site's address they
    name), and tell every winner. Publishing twice changes nothing."""
    if actor is not None and not actor.has_perm("campaigns.publish_results"):
        raise PermissionDenied(_("You may not publish results."))
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == Campaign.Status.PUBLISHED:
        return campaign
    if campaign.status != Campaign.Status.DRAWN:
        raise ValidationError(_("Run the draws before publishing."))
    campaign.status, campaign.published_at = Campaign.Status.PUBLISHED, now or timezone.now()
    campaign.save(update_fields=["status", "published_at"])
    featured_forget()
    awards = Award.objects.filter(tier__campaign=campaign).select_related("user", "tier__campaign")
    for award in awards.exclude(status=Award.Status.REVOKED):
        _notify_winner(award)
    version = published_files_build(campaign=campaign, base_url=base_url)
    pages_changed()
    audit_record(
        campaign=campaign, actor=actor, action="publish",
        result={"awards": awards.count(), "files_version": version},
    )  # fmt: skip
    return campaign


def _next_candidate(award: Award) -> tuple[int, int, int | None] | None:
    """The next position of the tier's sequence whose person has no award in this tier."""
    sequence = award.tier.draw.sequence
    taken = set(Award.objects.filter(tier=award.tier).values_list("user_id", flat=True))
    is_post = award.tier.kind == RewardTier.Kind.LUCKY_POST_DRAW
    authors = {}
    if is_post:
        authors = dict(
            Entry.objects.filter(campaign=award.tier.campaign, post_id__in=sequence).values_list(
                "post_id", "author_id"
            )
        )
    last = Award.objects.filter(tier=award.tier).order_by("-position").first().position
    for position in range(last + 1, len(sequence)):
        candidate = sequence[position]
        user_id = authors.get(candidate) if is_post else candidate
        if user_id is not None and user_id not in taken:
            return position, user_id, candidate if is_post else None
    return None


@transaction.atomic
def award_disqualify(
    *, award: Award, reason: str, actor=None, now=None, republish: bool = True
) -> Award | None:
    """Revoke an award with a reason; the next alternate of the tier (for the
    leaderboard, the next in rank) takes the place. Returns the replacement, if any.
    Published results get a new version of their files, unless the caller (revoking
    several at once) makes it once itself (`republish=False`)."""
    if actor is not None and not actor.has_perm("campaigns.run_draw"):
        raise PermissionDenied(_("You may not disqualify winners."))
    if not (reason := (reason or "").strip()):
        raise ValidationError(_("Say why this award is revoked."))
    award = (
        Award.objects.select_for_update(of=("self",)).select_related("tier__draw").get(pk=award.pk)
    )
    if award.status == Award.Status.REVOKED:
        return None
    now = now or timezone.now()
    award.status, award.revoked_reason, award.revoked_at = Award.Status.REVOKED, reason, now
    award.save(update_fields=["status", "revoked_reason", "revoked_at"])
    nxt = _next_candidate(award)
    replacement = None
    if nxt is not None and award.tier.kind != RewardTier.Kind.NEWCOMER:
        position, user_id, post_id = nxt
        replacement = award_create(
            tier=award.tier, user_id=user_id, post_id=post_id, position=position, now=now
        )
        if award.tier.campaign.status == Campaign.Status.PUBLISHED:
            _notify_winner(replacement)
            featured_forget()
    audit_record(
        campaign=award.tier.campaign,
        actor=actor,
        action="disqualify",
        inputs={"award": award.pk, "user": award.user_id, "reason": reason},
        result={"replacement": replacement.user_id if replacement else None},
    )
    if republish:
        published_files_build(campaign=award.tier.campaign)
    pages_changed()
    return replacement


@transaction.atomic
def award_mark(*, award: Award, status: str, actor=None, now=None) -> Award:
    """pending → issued → delivered (never backwards, never for a revoked award)."""
    if actor is not None and not actor.has_perm("campaigns.change_award"):
        raise PermissionDenied(_("You may not change awards."))
    order = [Award.Status.PENDING, Award.Status.ISSUED, Award.Status.DELIVERED]
    award = Award.objects.select_for_update().get(pk=award.pk)
    if award.status == Award.Status.REVOKED or status not in order[1:]:
        raise ValidationError(_("This award cannot be marked so."))
    if order.index(status) <= order.index(award.status):
        return award
    now = now or timezone.now()
    award.status = status
    stamp = "issued_at" if status == Award.Status.ISSUED else "delivered_at"
    setattr(award, stamp, now)
    if status == Award.Status.DELIVERED and award.issued_at is None:
        award.issued_at = now
    award.save(update_fields=["status", "issued_at", "delivered_at"])
    audit_record(
        campaign=award.tier.campaign, actor=actor, action=f"mark_{status}",
        inputs={"award": award.pk},
    )  # fmt: skip
    return award


@transaction.atomic
def shipping_address_save(*, award: Award, user, **fields) -> ShippingAddress:
    """The winner (only they) gives or corrects the address for their parcel while
    `address_open` says so (nothing shipped, not delivered, not revoked). The award is
    read again, locked: the caller's copy may be older than a delivery staff just
    marked, and two saves at once must not interleave."""
    if award.user_id != user.pk:
        raise PermissionDenied(_("This is not your award."))
    award = Award.objects.select_for_update().get(pk=award.pk)
    if not address_open(award=award, items=award.items.select_related("prize")):
        raise ValidationError(_("This parcel can no longer be redirected."))
    values = {k: (fields.get(k) or "").strip() for k in ADDRESS_FIELDS}
    # Only spaces or zero-width padding is no answer either.
    missing = [k for k in ("name", "phone", "address", "country") if not has_visible(values[k])]
    if missing:
        raise ValidationError({k: _("This field is required.") for k in missing})
    if any("\x00" in v for v in values.values()):
        raise ValidationError(_("The text contains a NUL character, which is not allowed."))
    address, _created = ShippingAddress.objects.update_or_create(
        award=award, defaults={**values, "updated_at": timezone.now()}
    )
    return address
