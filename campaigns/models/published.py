"""Published results as files: rendered once when the results are published (and again,
as a new version, after any later change to the winners), stored under names made from
their SHA-256, and served as they are to everyone who opens them."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PublishedFile(models.Model):
    """One file of one version of a campaign's published results: results.json, a frozen
    list, or the results page in one language. `etag` is the SHA-256 of the bytes."""

    class Kind(models.TextChoices):
        JSON = "json", "results.json"
        LIST = "list", _("frozen list")
        PAGE = "page", _("results page")

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="published_files"
    )
    version = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    key = models.CharField(_("list or language"), max_length=24, blank=True)
    name = models.CharField(_("stored as"), max_length=200)
    etag = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=60)
    base_url = models.CharField(_("site address"), max_length=200)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("published file")
        verbose_name_plural = _("published files")
        default_permissions = ()  # written by the publish services, never by hand
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "version", "kind", "key"], name="published_file_once"
            ),
        ]
        indexes = [models.Index(fields=["campaign", "-version"], name="published_latest_idx")]

    def __str__(self) -> str:
        return f"{self.campaign_id} v{self.version} {self.kind} {self.key}".strip()
