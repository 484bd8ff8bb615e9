from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from square.project.beijing_time import beijing_text

BODY_MAX = 5000


class PostQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Post.Status.PUBLISHED)

    def newest_first(self):
        return self.order_by("-created_at", "-id")

    def originals_and_quotes(self):
        """Leave out plain reposts (no text of their own): the public feeds show each
        post once, and the Following feed and profiles show who reposted what."""
        return self.exclude(repost_of__isnull=False, body="")


class Visibility(models.TextChoices):
    """Where a post or comment stands: never removed, only hidden or deleted in place."""

    PUBLISHED = "published", _("published")
    HIDDEN = "hidden", _("hidden by staff")
    DELETED = "deleted", _("deleted by its author")


class Post(models.Model):
    """A short note or a long article. Soft-deleted, so "has this user ever posted" holds."""

    Status = Visibility

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="posts",
        verbose_name=_("author"),
    )
    body = models.TextField(_("body"), max_length=BODY_MAX, blank=True)
    # A repost points at the original (never at another repost); its body is the
    # optional quote, empty for a plain repost.
    repost_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reposts",
        verbose_name=_("repost of"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED
    )
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="mentioned_in",
        blank=True,
        verbose_name=_("mentions"),
    )
    # Denormalised counters, kept exact by the interaction services (later issues).
    like_count = models.PositiveIntegerField(_("likes"), default=0)
    comment_count = models.PositiveIntegerField(_("comments"), default=0)
    repost_count = models.PositiveIntegerField(_("reposts"), default=0)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [
            models.Index(fields=["status", "-created_at", "-id"], name="post_feed_idx"),
            models.Index(fields=["author", "-created_at", "-id"], name="post_author_idx"),
            models.Index(fields=["repost_of", "-created_at"], name="post_repost_idx"),
        ]
        constraints = [
            # Only a plain repost may have an empty body.
            models.CheckConstraint(
                condition=models.Q(
                    models.Q(models.lookups.GreaterThanOrEqual(Length("body"), 1))
                    | models.Q(repost_of__isnull=False),
                    models.lookups.LessThanOrEqual(Length("body"), BODY_MAX),
                ),
                name="post_body_length",
            ),
            models.CheckConstraint(
                condition=~models.Q(repost_of=models.F("pk")), name="post_not_repost_of_self"
            ),
            # One live plain repost per person and post; quotes are unlimited.
            models.UniqueConstraint(
                fields=["author", "repost_of"],
                condition=models.Q(body="", repost_of__isnull=False) & ~models.Q(status="deleted"),
                name="post_plain_repost_once",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.body[:40]}"

    def get_absolute_url(self) -> str:
        return reverse("post_detail", kwargs={"pk": self.pk})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_plain_repost(self) -> bool:
        return self.repost_of_id is not None and not self.body


class PostRevision(models.Model):
    """The text a post had before an edit, and when that text was written."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField(_("body"))
    written_at = models.DateTimeField(_("written at"))
    replaced_at = models.DateTimeField(_("replaced at"), default=timezone.now)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["-written_at", "-id"]

    def __str__(self) -> str:
        return f"{self.post_id} @ {beijing_text(self.written_at)}"


class PostImage(models.Model):
    """One image of a post, re-encoded without metadata, with a feed-sized thumbnail."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="images")
    position = models.PositiveSmallIntegerField(_("position"))
    image = models.ImageField(
        _("image"), upload_to="posts/%Y/%m/", width_field="width", height_field="height"
    )
    thumbnail = models.ImageField(_("thumbnail"), upload_to="posts/thumbs/%Y/%m/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["post", "position"], name="postimage_unique_position"),
            models.CheckConstraint(condition=models.Q(position__lt=9), name="postimage_max_nine"),
        ]

    def __str__(self) -> str:
        return f"{self.post_id}/{self.position}"
