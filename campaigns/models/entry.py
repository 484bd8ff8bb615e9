from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def reason_q(code: str) -> Q:
    """Entries whose `reasons` list holds `code`, alike on SQLite and PostgreSQL.

    `reasons__contains=[code]` needs JSON containment, which Django does not offer on
    SQLite; this matches the quoted code in the JSON text instead (`["too_short"]` on
    SQLite, `["too_short", "hidden"]` from jsonb::text). Codes are plain ASCII words
    and none is part of another within quotes, so the match is exact."""
    return Q(reasons__icontains=f'"{code}"')


class EntryQuerySet(models.QuerySet):
    def valid(self):
        return self.filter(valid=True)


class Entry(models.Model):
    """A post that carries one of a campaign's tags, and the verdict on it.

    Kept current by `campaigns.services.entry_refresh` in the same transaction as every
    change to the post, so the campaign page, the badges and the ranking read stored
    verdicts instead of judging posts on every view. `author` and `posted_at` are copied
    from the post for the ranking's indexes.
    """

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="entries"
    )
    post = models.ForeignKey(
        "square.Post", on_delete=models.CASCADE, related_name="campaign_entries"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="campaign_entries"
    )
    posted_at = models.DateTimeField(_("posted at"))
    valid = models.BooleanField(_("valid"), default=False)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    counted_chars = models.PositiveIntegerField(_("counted 字"), default=0)
    distinct_chars = models.PositiveIntegerField(_("distinct units"), default=0)
    is_newcomer = models.BooleanField(_("newcomer"), default=False)
    # Flagged as a possible copy and waiting for staff (see rules.integrity_reasons).
    under_review = models.BooleanField(_("under review"), default=False)
    judged_at = models.DateTimeField(_("judged at"), default=timezone.now)
    # The author's earliest valid entry in this campaign (by posting time, then post id):
    # kept by entry_refresh so New Voices reads a flag instead of searching every entry.
    first_valid = models.BooleanField(_("first valid entry"), default=False)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "post"], name="entry_once_per_post"),
        ]
        indexes = [
            models.Index(fields=["campaign", "valid", "author"], name="entry_rank_idx"),
            models.Index(fields=["campaign", "-posted_at"], name="entry_recent_idx"),
            models.Index(
                fields=["campaign", "-posted_at"],
                condition=models.Q(first_valid=True, is_newcomer=True),
                name="entry_new_voice_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.post_id}"
