"""Re-judging every entry of a campaign at once: at the close, after staff changed the
rules before the start, or to repair.

`entry_refresh` judges one post in about eight queries — right for a post write, but
27 minutes for the 300,000 entries of the benchmark's close. Here the same judgement
(`entries._judge`, the same pure rules) runs over batches: a batch's posts, authors,
integrity findings and newcomer facts are read in a few queries, only the entries
whose verdict changed are written, and the first-valid flags are set once, in SQL.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Campaign, Entry
from campaigns.services.entries import _judge, first_valid_refresh
from square.models import Post
from square.selectors.integrity import integrity_state

BATCH = 1000
JUDGED_FIELDS = (
    "author_id", "posted_at", "valid", "reasons", "counted_chars", "distinct_chars",
    "is_newcomer", "under_review",
)  # fmt: skip


def _veterans(campaign: Campaign, author_ids: set[int]) -> set[int]:
    """Which of these people posted before the start (so are not newcomers)."""
    earlier = Post.objects.filter(author_id__in=author_ids, created_at__lt=campaign.starts_at)
    return set(earlier.values_list("author_id", flat=True).distinct())


def _recheck_batch(campaign: Campaign, entries: list[Entry]) -> list[Entry]:
    """Judge a batch; return the entries whose verdict changed, updated in memory."""
    ids = [e.post_id for e in entries]
    posts = Post.objects.select_related("author").in_bulk(ids)
    findings = integrity_state(post_ids=ids)
    veterans = _veterans(campaign, {p.author_id for p in posts.values()})
    changed = []
    for entry in entries:
        post = posts[entry.post_id]
        found = findings.get(post.pk)
        fields = _judge(
            post, campaign, post.author, found.flags if found else (),
            newcomer=post.author_id not in veterans,
        )  # fmt: skip
        if any(getattr(entry, name) != fields[name] for name in JUDGED_FIELDS):
            for name, value in fields.items():
                setattr(entry, name, value)
            changed.append(entry)
    return changed


@transaction.atomic
def entries_recheck(*, campaigns, actor=None) -> int:
    """Re-judge every entry of these open campaigns with the rules `entry_refresh` uses,
    in batches of BATCH entries. Returns how many entries there were. Staff need
    `change_campaign` (no actor: the close, the command line, the campaign form)."""
    if actor is not None and not actor.has_perm("campaigns.change_campaign"):
        raise PermissionDenied(_("You may not recheck entries."))
    total, now = 0, timezone.now()
    for campaign in campaigns:
        entries = Entry.objects.filter(campaign=campaign).order_by("pk")
        last = 0
        while batch := list(entries.filter(pk__gt=last)[:BATCH]):
            last = batch[-1].pk
            total += len(batch)
            changed = _recheck_batch(campaign, batch)
            Entry.objects.bulk_update(changed, JUDGED_FIELDS, batch_size=500)
        entries.update(judged_at=now)  # every entry was judged, changed or not
        first_valid_refresh(entries=entries)
    return total
