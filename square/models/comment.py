from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from square.models.post import Visibility

COMMENT_MAX = 1000


class CommentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Comment.Status.PUBLISHED)


class Comment(models.Model):
    """A comment on a post, or a reply to one (one level: `parent` is always top-level).

    `reply_to` names the person a reply answers, so a reply to a reply still reads
    "回复 @bob" while the thread stays one level deep.
    """

    Status = Visibility

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="comments",
        verbose_name=_("author"),
    )
    post = models.ForeignKey(
        "square.Post", on_delete=models.CASCADE, related_name="comments", verbose_name=_("post")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("reply to comment"),
    )
    reply_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reply to"),
    )
    body = models.TextField(_("body"), max_length=COMMENT_MAX)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("model", "comment")
        verbose_name_plural = pgettext_lazy("model", "comments")
        indexes = [
            models.Index(fields=["post", "parent", "created_at", "id"], name="comment_thread_idx"),
            models.Index(fields=["author", "-created_at"], name="comment_author_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    models.lookups.GreaterThanOrEqual(Length("body"), 1),
                    models.lookups.LessThanOrEqual(Length("body"), COMMENT_MAX),
                ),
                name="comment_body_length",
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")), name="comment_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} on {self.post_id}: {self.body[:40]}"

    def get_absolute_url(self) -> str:
        return reverse("post_detail", kwargs={"pk": self.post_id}) + f"#comment-{self.pk}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED
