"""Cashtags ($BTC): a token people talk about, and which published posts name it
(`square.text.cashtags` is the rule). Counted like hashtags, in the post's own
transaction (`square.services.cashtags`)."""

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Cashtag(models.Model):
    """A token symbol, kept once, upper-case (`$btc` and `$BTC` are one)."""

    symbol = models.CharField(_("symbol"), max_length=16, unique=True)
    post_count = models.PositiveIntegerField(_("published posts"), default=0)
    created_at = models.DateTimeField(_("first used"), default=timezone.now)

    class Meta:
        verbose_name = _("cashtag")
        verbose_name_plural = _("cashtags")
        default_permissions = ()  # derived rows: no one edits them, not even staff

    def __str__(self) -> str:
        return f"${self.symbol}"

    def get_absolute_url(self) -> str:
        return reverse("cashtag", kwargs={"symbol": self.symbol})


class PostCashtag(models.Model):
    """A published post names a token. Author and time are copied here so the token's
    page and the trending box are index scans; the row goes when the post stops being
    published (deleted, hidden) and comes back when it is restored."""

    post = models.ForeignKey("square.Post", on_delete=models.CASCADE, related_name="cashtag_links")
    cashtag = models.ForeignKey(Cashtag, on_delete=models.CASCADE, related_name="post_links")
    author = models.ForeignKey("square.User", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("post cashtag")
        verbose_name_plural = _("post cashtags")
        default_permissions = ()  # derived rows: no one edits them, not even staff
        constraints = [
            models.UniqueConstraint(fields=["post", "cashtag"], name="postcashtag_unique"),
        ]
        indexes = [
            models.Index(fields=["created_at"], name="postcashtag_recent_idx"),
            models.Index(fields=["cashtag", "-created_at", "-post"], name="postcashtag_token_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.post_id} ${self.cashtag_id}"
