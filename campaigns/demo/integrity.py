"""A copied entry for the demo's moderation queue (a `demo_finisher`: it runs after the
near-duplicate index is built, so the copy is caught by the live check).

One member copies the longest entry of the live campaign with a few words changed; the
entry's author reports it. Staff find the pair in the admin's moderation queue."""

from datetime import timedelta

from campaigns.demo import first_post, year_end
from campaigns.models import Entry
from square import text
from square.services.moderation import report_create
from square.services.posts import post_create

NOTE = "这是我前几天写的，几乎一字不差地被搬走了。"


def finish(*, members, rng, now) -> dict:
    source = (
        Entry.objects.filter(campaign__slug=year_end.SLUG, valid=True, post__body__contains="我")
        .select_related("post__author")
        .order_by("-counted_chars", "post_id")
        .first()
    )
    if source is None:
        return {}
    original = source.post
    copier = rng.choice([m for m in members if m.pk != original.author_id and not m.is_staff])
    body = _reworded(original.body) + "\n有感而发，写给新的一年。"
    written = max(original.created_at + timedelta(minutes=30), now - timedelta(minutes=40))
    copy = post_create(author=copier, body=body, created_at=min(written, now))
    report_create(
        reporter=original.author,
        post=copy,
        reason="plagiarism",
        original_link=original.get_absolute_url(),
        note=NOTE,
    )
    entries = Entry.objects.filter(campaign__slug__in=[year_end.SLUG, first_post.SLUG])
    # The seeder counted before this entry existed: report the totals again.
    return {
        "campaign_entries": entries.count(),
        "valid_entries": entries.filter(valid=True).count(),
        "copied_entries_for_review": 1,
    }


def _reworded(body: str) -> str:
    """The body with its first two "我" in the text (not in a hashtag) made "俺"."""
    pieces, left = [], 2
    for token in text.tokens(body):
        piece = token.text
        if token.kind is text.Kind.TEXT and left:
            replaced = piece.replace("我", "俺", left)
            left -= sum(a != b for a, b in zip(piece, replaced, strict=True))
            piece = replaced
        pieces.append(piece)
    return "".join(pieces)
