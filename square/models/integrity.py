"""Integrity: the near-duplicate index, duplicate flags, reports, appeals and the
moderation log. The rules live in `square.similarity` and `square.services`."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from square.models.post import Post


class PostBand(models.Model):
    """One LSH band key of a post's text (`square.similarity.band_keys`). Kept in the
    database, not in memory, so every app server sees a post the moment it commits."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+", db_index=False)
    key = models.BigIntegerField()

    class Meta:
        indexes = [
            # Lookups by key read the newest posts first and never touch the table.
            models.Index(fields=["key", "-post"], name="postband_key_idx"),
            models.Index(fields=["post"], name="postband_post_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.post_id}:{self.key}"


class PostShingles(models.Model):
    """The shingles of a post's indexed text as sorted 64-bit hashes (little-endian
    bytes, `square.similarity.shingle_hashes`), written with its band keys: a check
    counts what a candidate shares without normalising the candidate's text again.
    They stand for the text whose `digest` they carry, at `version`; otherwise (older
    rows, a text changed behind the index) the check computes them from the text."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, primary_key=True, related_name="+")
    version = models.PositiveSmallIntegerField()  # similarity.SIGNATURE_VERSION
    digest = models.BigIntegerField()  # similarity.text_digest(post.body)
    hashes = models.BinaryField()

    def __str__(self) -> str:
        return f"{self.post_id}: {len(self.hashes) // 8} shingles"


class DuplicateFlag(models.Model):
    """A post found to match an earlier post (`source`). What it does to campaign
    entries depends on `kind` and `status` (see `campaigns.rules.integrity_reasons`)."""

    class Kind(models.TextChoices):
        COPY_OF_OTHER = "copy_of_other", _("copy of someone else's post")
        SUSPECTED_SPIN = "suspected_spin", _("suspected rewording of someone else's post")
        SELF_REPEAT = "self_repeat", _("repeat of the author's own post")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for review")
        CONFIRMED = "confirmed", _("confirmed by staff")
        CLEARED = "cleared", _("cleared by staff")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="duplicate_flags")
    source = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="copied_by")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    similarity = models.FloatField(_("similarity (Jaccard)"))
    containment = models.FloatField(_("containment"))
    status = models.CharField(
        _("review"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("found at"), default=timezone.now)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("duplicate flag")
        verbose_name_plural = _("duplicate flags")
        permissions = [("moderate", _("Can review the moderation queue and act on it"))]
        constraints = [
            models.UniqueConstraint(fields=["post", "source"], name="duplicateflag_once"),
            models.CheckConstraint(
                condition=~models.Q(post=models.F("source")), name="duplicateflag_not_self"
            ),
            models.CheckConstraint(
                condition=models.Q(similarity__gte=0, similarity__lte=1)
                & models.Q(containment__gte=0, containment__lte=1),
                name="duplicateflag_similarity_range",
            ),
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="duplicateflag_queue_idx")]

    def __str__(self) -> str:
        return f"{self.post_id} ~ {self.source_id} ({self.kind})"


class Report(models.Model):
    """A person's report about a post: once per person and post."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("spam or advertising")
        PLAGIARISM = "plagiarism", _("plagiarism: copied from another post")
        ABUSE = "abuse", _("abuse or harassment")
        OTHER = "other", _("something else")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        UPHELD = "upheld", _("upheld")
        DISMISSED = "dismissed", _("dismissed")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made"
    )
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    original = models.ForeignKey(
        Post,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("original post"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(fields=["post", "reporter"], name="report_once_per_person"),
        ]
        indexes = [models.Index(fields=["status", "post"], name="report_open_idx")]

    def __str__(self) -> str:
        return f"{self.reporter_id} → {self.post_id} ({self.reason})"


class Appeal(models.Model):
    """The author's one appeal against a flag or decision on their post."""

    class Status(models.TextChoices):
        OPEN = "open", _("waiting for review")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="appeal")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="appeals"
    )
    text = models.CharField(_("appeal"), max_length=500)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"appeal {self.post_id}"


class ModerationAction(models.Model):
    """Append-only record of every moderation decision: who, when, what and why."""

    class Action(models.TextChoices):
        CONFIRM = "confirm", _("confirmed plagiarism")
        CLEAR = "clear", _("cleared")
        HIDE = "hide", _("hid the post")
        BAN = "ban", _("banned the author")
        UNBAN = "unban", _("lifted the ban")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("staff member"),
    )  # fmt: skip
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    post = models.ForeignKey(
        Post, on_delete=models.PROTECT, null=True, blank=True, related_name="moderation_actions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moderation_actions",
        verbose_name=_("user"),
    )
    reason = models.CharField(_("reason"), max_length=500)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("moderation decision")
        verbose_name_plural = _("moderation decisions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.post_id or self.user_id}"


class PostUnderReview(Post):
    """The moderation queue in the admin: posts with open flags, reports or appeals."""

    class Meta:
        proxy = True
        verbose_name = _("moderation queue")
        verbose_name_plural = _("moderation queue")
        default_permissions = ()
