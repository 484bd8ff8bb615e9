"""What closing and drawing leave behind: frozen lists, each tier's draw, the awards
and what they deliver, and an append-only log of every staff action."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models.campaign import RewardTier
from square.project.beijing_time import beijing_text


class Snapshot(models.Model):
    """A list frozen at close. `body` holds the exact bytes its digest covers (one id and
    "\\n" per line); `rows` the details shown beside it (ranking figures, first posts)."""

    class Kind(models.TextChoices):
        LUCKY_TICKETS = "lucky_tickets", _("valid posts (lucky-draw tickets)")
        PARTICIPANT_TICKETS = "participant_tickets", _("participants (draw tickets)")
        RANKING = "ranking", _("final ranking")
        NEWCOMERS = "newcomers", _("newcomers")

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="snapshots"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    body = models.TextField(_("ids"), blank=True)
    digest = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size"))
    rows = models.JSONField(_("rows"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("frozen list")
        verbose_name_plural = _("frozen lists")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "kind"], name="snapshot_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.kind}"

    @property
    def ids(self) -> list[int]:
        return [int(line) for line in self.body.splitlines() if line]


# Which frozen list each kind of tier draws or reads its winners from, and which kinds
# are drawn (the others follow their list's order). Read by the draw and the results page.
TIER_LIST = {
    RewardTier.Kind.LUCKY_POST_DRAW: Snapshot.Kind.LUCKY_TICKETS,
    RewardTier.Kind.PARTICIPANT_DRAW: Snapshot.Kind.PARTICIPANT_TICKETS,
    RewardTier.Kind.LEADERBOARD: Snapshot.Kind.RANKING,
    RewardTier.Kind.NEWCOMER: Snapshot.Kind.NEWCOMERS,
}
DRAWN_KINDS = {RewardTier.Kind.LUCKY_POST_DRAW, RewardTier.Kind.PARTICIPANT_DRAW}


class TierDraw(models.Model):
    """The outcome of one tier: the ordered sequence winners are taken from (the picks of
    a draw, the ranking, or the newcomers), and how many of it were drawn."""

    tier = models.OneToOneField(
        "campaigns.RewardTier", on_delete=models.PROTECT, related_name="draw"
    )
    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="+")
    sequence = models.JSONField(_("sequence"), default=list)
    drawn_at = models.DateTimeField(_("drawn at"), default=timezone.now)

    class Meta:
        verbose_name = _("tier draw")
        verbose_name_plural = _("tier draws")

    def __str__(self) -> str:
        return str(self.tier)


def voucher_code() -> str:
    """Unguessable and easy to read out: 20 characters without 0/O or 1/I/L."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(20))
    return "-".join(raw[i : i + 5] for i in range(0, 20, 5))


class Award(models.Model):
    """One winner of one tier: at most one per (tier, user), a database rule. Each prize
    of the tier is delivered through an AwardItem."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        ISSUED = "issued", _("issued")
        DELIVERED = "delivered", _("delivered")
        REVOKED = "revoked", _("revoked")

    tier = models.ForeignKey(
        "campaigns.RewardTier", on_delete=models.PROTECT, related_name="awards"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="awards"
    )
    post = models.ForeignKey(
        "square.Post", on_delete=models.PROTECT, null=True, blank=True, related_name="awards"
    )
    position = models.PositiveIntegerField(_("position in the sequence"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    revoked_reason = models.CharField(_("reason for revoking"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["tier", "position"]
        constraints = [
            models.UniqueConstraint(fields=["tier", "user"], name="award_once_per_tier_user"),
            models.UniqueConstraint(fields=["tier", "position"], name="award_one_per_position"),
            models.CheckConstraint(
                condition=~models.Q(status="revoked") | ~models.Q(revoked_reason=""),
                name="award_revoked_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tier} → {self.user_id}"


class AwardItem(models.Model):
    """One prize of an award: a voucher code, a parcel to ship, or a featured slot."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="items")
    prize = models.ForeignKey("campaigns.Prize", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("voucher code"), max_length=32, null=True, blank=True, unique=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, null=True)
    currency = models.CharField(_("currency"), max_length=10, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    active_until = models.DateTimeField(_("shown until"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)

    class Meta:
        verbose_name = _("award item")
        verbose_name_plural = _("award items")
        constraints = [
            models.UniqueConstraint(fields=["award", "prize"], name="award_item_once"),
        ]

    def __str__(self) -> str:
        return f"{self.award_id}: {self.prize_id}"


class ShippingAddress(models.Model):
    """Where a winner's parcel goes. Seen only by the winner and by staff with the
    `view_shipping_address` permission."""

    award = models.OneToOneField(Award, on_delete=models.CASCADE, related_name="address")
    name = models.CharField(_("recipient"), max_length=100)
    phone = models.CharField(_("phone"), max_length=40)
    address = models.TextField(_("address"), max_length=500)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    country = models.CharField(_("country or region"), max_length=60)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("shipping address")
        verbose_name_plural = _("shipping addresses")

    def __str__(self) -> str:
        return f"{self.award_id}"


class AuditEvent(models.Model):
    """Append-only: who did what to a campaign, when, with which inputs and result."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="audit_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=40)
    inputs = models.JSONField(_("inputs"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} @ {beijing_text(self.created_at)}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only.")
