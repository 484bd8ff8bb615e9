from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Hashtag(models.Model):
    """A topic, kept once under its canonical key (NFKC, case-folded)."""

    # Case-folding can lengthen a tag of 64 characters (ß → ss): room for three times.
    key = models.CharField(_("canonical key"), max_length=192, unique=True)
    display = models.CharField(_("display form"), max_length=64)
    post_count = models.PositiveIntegerField(_("published posts"), default=0)
    created_at = models.DateTimeField(_("first used"), default=timezone.now)

    class Meta:
        verbose_name = _("hashtag")
        verbose_name_plural = _("hashtags")

    def __str__(self) -> str:
        return f"#{self.display}"

    def get_absolute_url(self) -> str:
        return reverse("topic", kwargs={"tag": self.key})


class PostHashtag(models.Model):
    """A post carries a tag. Author and time are copied here so trending is one index scan."""

    post = models.ForeignKey("square.Post", on_delete=models.CASCADE, related_name="tag_links")
    hashtag = models.ForeignKey(Hashtag, on_delete=models.CASCADE, related_name="post_links")
    author = models.ForeignKey("square.User", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("post hashtag")
        verbose_name_plural = _("post hashtags")
        constraints = [
            models.UniqueConstraint(fields=["post", "hashtag"], name="posthashtag_unique"),
        ]
        indexes = [
            models.Index(fields=["created_at"], name="posthashtag_recent_idx"),
            models.Index(fields=["hashtag", "-created_at", "-post"], name="posthashtag_topic_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.post_id} #{self.hashtag_id}"
