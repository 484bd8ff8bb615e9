"""The live leaderboard's stored rows, kept by `campaigns.services.scores` in the same
transaction as every like, comment, repost, entry change, ban and moderation decision.

`ScorePair` holds what one interactor did to one author's valid entries (l, c, r as
`campaigns.selectors.ranking` counts them, before the per-interactor cap); `Score` is
one participant's line on the board. The board reads `Score` through `score_board_idx`,
whose order is the ranking's: score, then I, then the earlier first valid entry, then
the lower user id. The full computation (`ranking_compute`) stays the audit.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ScorePair(models.Model):
    """What `interactor` gave `author` in `campaign`: likes, distinct commented posts
    and distinct reposted posts among the author's valid entries (eligible acts only).

    Derived rows, rewritten whole by `campaigns.services.scores`, 1.5M of them in the
    1m benchmark: keyed by the triple itself (no id, one index) and without foreign key
    checks in the database (Django still deletes them with a user or campaign), so a
    full rebuild inserts them at the speed of one index."""

    pk = models.CompositePrimaryKey("campaign", "author", "interactor")
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    interactor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    likes = models.PositiveIntegerField(_("likes"), default=0)
    comments = models.PositiveIntegerField(_("comments"), default=0)
    reposts = models.PositiveIntegerField(_("reposts"), default=0)

    class Meta:
        verbose_name = _("score pair")
        verbose_name_plural = _("score pairs")
        default_permissions = ()  # derived rows: no one edits them, not even staff
        constraints = [
            models.CheckConstraint(
                condition=Q(likes__gte=0, comments__gte=0, reposts__gte=0),
                name="score_pair_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(author=models.F("interactor")), name="score_pair_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.author_id}<-{self.interactor_id}"


class Score(models.Model):
    """One participant's live standing in a campaign (P, L, C, R, I and the score)."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="+", db_index=False
    )  # score_once and score_board_idx lead with it
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    posts = models.PositiveIntegerField(_("posts counted"), default=0)
    likes = models.PositiveIntegerField(_("likes"), default=0)
    comments = models.PositiveIntegerField(_("comments"), default=0)
    reposts = models.PositiveIntegerField(_("reposts"), default=0)
    points = models.PositiveIntegerField(_("interaction points"), default=0)
    score = models.PositiveIntegerField(_("score"), default=0)
    first_entry_at = models.DateTimeField(_("first valid entry at"))

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        default_permissions = ()  # derived rows: no one edits them, not even staff
        constraints = [
            models.UniqueConstraint(fields=["campaign", "user"], name="score_once"),
            models.CheckConstraint(
                condition=Q(posts__gte=0, likes__gte=0, comments__gte=0, reposts__gte=0)
                & Q(points__gte=0, score__gte=models.F("points")),
                name="score_consistent",
            ),
        ]
        indexes = [
            models.Index(
                fields=["campaign", "-score", "-points", "first_entry_at", "user"],
                name="score_board_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.user_id}: {self.score}"
