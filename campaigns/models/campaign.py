import secrets
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from campaigns import draw
from square import text

# What pins the beacon: a change of any of these moves the round.
BEACON_RULE_FIELDS = frozenset({"ends_at", "entropy_delay", "beacon_chain"})


def new_seed() -> str:
    """The draw's secret seed, made at creation and committed to by its hash."""
    return secrets.token_hex(32)


class CampaignQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def public(self):
        """Everything but drafts: what people may see."""
        return self.exclude(status=Campaign.Status.DRAFT)

    def accepting_entries(self):
        """Campaigns whose entries may still change: scheduled (not yet closed).
        Drafts are left out: staff are still writing their rules."""
        return self.filter(status=Campaign.Status.SCHEDULED)


class Campaign(models.Model):
    """A hashtag campaign: post with the tag inside the window, meet the rules, win.

    Stored `status` is what staff decide (draft, scheduled, then closed, drawn,
    published by later steps); "live" and "ended" follow from the clock while it is
    scheduled — see `phase`.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SCHEDULED = "scheduled", _("scheduled")
        CLOSED = "closed", _("closed")
        DRAWN = "drawn", _("drawn")
        PUBLISHED = "published", _("published")

    class BeaconChain(models.TextChoices):
        """The drand chains the code knows (`campaigns.draw.CHAINS`): never free text."""

        QUICKNET = "quicknet", _("drand quicknet (a round every 3 seconds)")
        DEFAULT = "default", _("drand default chain (a round every 30 seconds)")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=120)
    title_en = models.CharField(_("title in English"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    hashtag = models.CharField(_("hashtag"), max_length=64, help_text=_("Without the #."))
    aliases = models.JSONField(
        _("other accepted tags"), default=list, blank=True, help_text=_("A list, without #.")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), help_text=_("Inclusive, to the second."))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    min_chars = models.PositiveSmallIntegerField(_("minimum 字 (units)"), default=30)
    min_distinct_chars = models.PositiveSmallIntegerField(_("minimum distinct units"), default=10)
    exclude_staff = models.BooleanField(_("exclude staff"), default=True)
    # Ranking: score = w_posts·P + Σ over interactors of min(interactor_cap, weighted acts).
    posts_cap = models.PositiveSmallIntegerField(_("posts counted at most"), default=30)
    w_posts = models.PositiveSmallIntegerField(_("points per valid post"), default=5)
    w_like = models.PositiveSmallIntegerField(_("points per like"), default=1)
    w_comment = models.PositiveSmallIntegerField(_("points per commented post"), default=2)
    w_repost = models.PositiveSmallIntegerField(_("points per reposted post"), default=3)
    interactor_cap = models.PositiveSmallIntegerField(
        _("points one person can give at most"), default=10, validators=[MinValueValidator(1)]
    )
    min_interactor_age_hours = models.PositiveSmallIntegerField(
        _("minimum account age of interactors (hours)"), default=24
    )
    seed = models.CharField(_("draw seed"), max_length=64, default=new_seed, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # The draw's public randomness: a drand round pinned by the rules from the moment the
    # campaign is scheduled (the first round at or after ends_at + entropy_delay), fixed
    # once it starts; the draw takes that round's beacon only if its signature verifies.
    beacon_chain = models.CharField(
        _("randomness beacon"),
        max_length=20,
        choices=BeaconChain.choices,
        default=BeaconChain.QUICKNET,
        help_text=_("Fixed when the campaign starts, together with the round."),
    )
    entropy_delay = models.DurationField(
        _("beacon delay after the end"),
        default=timedelta(hours=1),
        validators=[MinValueValidator(timedelta(minutes=1)), MaxValueValidator(timedelta(days=30))],
        help_text=_(
            "The draw uses the first beacon round published at least this long after the "
            "end (01:00:00 is one hour)."
        ),
    )
    beacon_round = models.PositiveBigIntegerField(
        _("beacon round"), null=True, blank=True, editable=False
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    beacon_signature = models.CharField(
        _("beacon signature"), max_length=192, blank=True, editable=False
    )
    beacon_previous_signature = models.CharField(
        _("beacon's previous signature"), max_length=192, blank=True, editable=False
    )
    entropy = models.CharField(_("beacon randomness"), max_length=200, blank=True, editable=False)
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="campaign_ends_after"
            ),
        ]
        permissions = [
            ("close_campaign", _("Can close a campaign")),
            ("run_draw", _("Can run a campaign's draws")),
            ("publish_results", _("Can publish a campaign's results")),
            ("view_shipping_address", _("Can see winners' shipping addresses")),
            ("view_voucher_code", _("Can see winners' full voucher codes")),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("campaigns:detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    @property
    def tag_keys(self) -> list[str]:
        """The primary tag and its aliases as normalised keys (NFKC, case-folded)."""
        keys = [text.tag_key(self.hashtag.lstrip("#＃"))]
        keys += [text.tag_key(a.lstrip("#＃")) for a in self.aliases or []]
        return list(dict.fromkeys(k for k in keys if k))

    @property
    def chain(self) -> draw.Chain:
        return draw.CHAINS[self.beacon_chain]

    def pinned_round(self) -> int:
        """The rule: the first round of the chain at or after the end plus the delay."""
        moment = int(self.ends_at.timestamp()) + int(self.entropy_delay.total_seconds())
        return draw.round_at_or_after(self.chain, moment)

    @property
    def beacon_at(self) -> datetime | None:
        """When the pinned round is published: the draw's randomness does not exist before."""
        if self.beacon_round is None:
            return None
        return datetime.fromtimestamp(draw.round_time(self.chain, self.beacon_round), UTC)

    @property
    def lists_before_beacon(self) -> bool | None:
        """Whether the lists were frozen before the pinned round existed (None: open)."""
        if self.closed_at is None or self.beacon_at is None:
            return None
        return self.closed_at < self.beacon_at

    @property
    def beacon_urls(self) -> list[str]:
        """Where anyone can read the pinned round's beacon."""
        return draw.relay_urls(self.chain, self.beacon_round) if self.beacon_round else []

    def has_started(self, now=None) -> bool:
        """Saved and past its start: from then on its rules and beacon are fixed."""
        return self.pk is not None and self.starts_at <= (now or timezone.now())

    @property
    def ends_at_inclusive(self):
        """The last instant inside the window: the whole final second counts."""
        return self.ends_at.replace(microsecond=0) + timedelta(seconds=1, microseconds=-1)

    def in_window(self, moment) -> bool:
        return self.starts_at <= moment <= self.ends_at_inclusive

    def phase(self, now=None) -> str:
        """draft, scheduled (not started), live, ended, closed, drawn or published."""
        if self.status != self.Status.SCHEDULED:
            return self.status
        now = now or timezone.now()
        if now < self.starts_at:
            return "scheduled"
        return "live" if now <= self.ends_at_inclusive else "ended"


class TierManager(models.Manager):
    def get_by_natural_key(self, campaign_slug, slug):
        return self.get(campaign__slug=campaign_slug, slug=slug)


class RewardTier(models.Model):
    """One way to win: a draw over posts or people, a leaderboard, or everyone new."""

    class Kind(models.TextChoices):
        LUCKY_POST_DRAW = "lucky_post_draw", _("draw among valid posts")
        LEADERBOARD = "leaderboard", _("leaderboard")
        NEWCOMER = "newcomer", _("every newcomer")
        PARTICIPANT_DRAW = "participant_draw", _("draw among participants")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tiers")
    slug = models.SlugField(_("slug"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    winners = models.PositiveIntegerField(
        _("winners"), null=True, blank=True, help_text=_("Empty: everyone who qualifies.")
    )
    alternates = models.PositiveIntegerField(
        _("alternates"), default=10, help_text=_("Drawn after the winners, to replace any.")
    )
    exclude_previous_winners = models.BooleanField(
        _("exclude winners of earlier tiers"), default=False
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = TierManager()

    class Meta:
        verbose_name = _("reward tier")
        verbose_name_plural = _("reward tiers")
        ordering = ["campaign", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "slug"], name="tier_slug_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.campaign.slug, self.slug)

    natural_key.dependencies = ["campaigns.campaign"]


class PrizeManager(models.Manager):
    def get_by_natural_key(self, campaign_slug, tier_slug, slug):
        return self.get(tier__campaign__slug=campaign_slug, tier__slug=tier_slug, slug=slug)


class Prize(models.Model):
    """What a winner of a tier receives: a voucher, a parcel, or exposure on the square."""

    class Kind(models.TextChoices):
        VOUCHER = "voucher", _("voucher")
        PHYSICAL = "physical", _("physical gift")
        FEATURED_HOME = "featured_home", _("home page recommendation")
        FEATURED_POSTS = "featured_posts", _("featured posts")
        RECOMMENDATION = "recommendation", _("recommendation list")

    tier = models.ForeignKey(RewardTier, on_delete=models.CASCADE, related_name="prizes")
    slug = models.SlugField(_("slug"), max_length=40)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    label = models.CharField(_("label"), max_length=160)
    label_en = models.CharField(_("label in English"), max_length=160, blank=True)
    amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=10, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    duration_days = models.PositiveIntegerField(_("exposure (days)"), null=True, blank=True)

    objects = PrizeManager()

    class Meta:
        verbose_name = _("prize")
        verbose_name_plural = _("prizes")
        ordering = ["tier", "id"]
        constraints = [
            models.CheckConstraint(
                # amount IS NOT NULL first: `NULL > 0` is unknown, which a check lets pass.
                condition=~models.Q(kind="voucher")
                | models.Q(amount__isnull=False, amount__gt=0, currency__gt=""),
                name="prize_voucher_has_amount",
            ),
            models.UniqueConstraint(fields=["tier", "slug"], name="prize_slug_unique"),
        ]

    def __str__(self) -> str:
        return self.label

    def natural_key(self):
        return (*self.tier.natural_key(), self.slug)

    natural_key.dependencies = ["campaigns.rewardtier"]


@receiver(pre_save, sender=Campaign)
def _pin_beacon(sender, instance: Campaign, update_fields=None, **kwargs) -> None:
    """Pin the beacon round by the rule while the campaign has not started; once it has,
    refuse any save that would change the chain or the round (a pre_save receiver, so a
    `loaddata` pins it too)."""
    if update_fields is not None and not BEACON_RULE_FIELDS & set(update_fields):
        return
    pinned = instance.pinned_round()
    stored = None
    if instance.pk is not None:
        fields = ("starts_at", "beacon_chain", "beacon_round")
        stored = Campaign.objects.filter(pk=instance.pk).values(*fields).first()
    started = stored and stored["beacon_round"] and stored["starts_at"] <= timezone.now()
    if started and (stored["beacon_chain"], stored["beacon_round"]) != (
        instance.beacon_chain,
        pinned,
    ):
        raise ValidationError(
            gettext("The beacon and its round are fixed since the campaign started."),
            code="beacon_pinned",
        )
    instance.beacon_round = pinned


@receiver(pre_save, sender=Campaign)
def _keep_seed(sender, instance: Campaign, **kwargs) -> None:
    """The seed is committed to (by its hash) from creation on, so it never changes —
    not when a form saves the campaign again, nor when `loaddata` reloads the fixture
    (a raw save that skips Model.save, which is why this is a pre_save receiver)."""
    if instance.pk is None:
        return
    stored = Campaign.objects.filter(pk=instance.pk).values_list("seed", flat=True).first()
    if stored:
        instance.seed = stored
