"""Entries: one row per (campaign, tagged post), re-judged whenever the post changes.

`entry_refresh` runs inside the transaction of the post write that triggered it (the
square calls it through `square.project.hooks.post_changed`), so a post and its verdict are
committed together. Closed campaigns are frozen: their entries never change here.
"""

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from campaigns import rules
from campaigns.models import Campaign, Entry
from square.models import Post, User
from square.selectors.integrity import integrity_state


def _text_as_of_end(post: Post, campaign: Campaign) -> str:
    """The text the post showed when the campaign ended (edits afterwards change nothing)."""
    end = campaign.ends_at_inclusive
    if post.edited_at is None or post.edited_at <= end:
        return post.body
    revisions = post.revisions.values_list("body", "written_at", "replaced_at")
    return rules.text_at(post.body, post.edited_at, revisions, end)


def _is_newcomer(author_id: int, campaign: Campaign) -> bool:
    """Never posted before the start: any post of any status, reposts included."""
    earlier = Post.objects.filter(author_id=author_id, created_at__lt=campaign.starts_at)
    return not earlier.exists()


def _judge(post: Post, campaign: Campaign, author: User, flags, *, newcomer=None) -> dict:
    """The entry's fields for this post (`newcomer` when the caller knows it already)."""
    text = _text_as_of_end(post, campaign)
    verdict, reasons = rules.entry_verdict(
        campaign,
        text=text,
        created_at=post.created_at,
        status=post.status,
        author_active=author.is_active,
        author_staff=author.is_staff,
        author_banned=author.banned_at is not None,
        flags=flags,
    )
    return {
        "author_id": post.author_id,
        "posted_at": post.created_at,
        "valid": not reasons,
        "reasons": reasons,
        "counted_chars": verdict.counted,
        "distinct_chars": verdict.distinct,
        "is_newcomer": _is_newcomer(post.author_id, campaign) if newcomer is None else newcomer,
        "under_review": rules.integrity_reasons(flags)[1],
        "judged_at": timezone.now(),
    }


@transaction.atomic
def entry_refresh(*, post: Post) -> list[Entry]:
    """Create or re-judge this post's entries in every open campaign whose tag it
    carries (now, or as of the campaign's end), and those it already had."""
    existing = {e.campaign_id: e for e in Entry.objects.filter(post=post)}
    campaigns = list(Campaign.objects.accepting_entries())
    if not campaigns:
        return []
    post = Post.objects.select_related("author").get(pk=post.pk)
    # One author's entries are judged one transaction at a time (the author's row lock,
    # which post_create holds already): two of their posts changing at once would each
    # see only their own verdict, and both be marked the first valid entry.
    User.objects.select_for_update().filter(pk=post.author_id).exists()
    touched = []
    found = integrity_state(post_ids=[post.pk]).get(post.pk)
    flags = found.flags if found else ()
    for campaign in campaigns:
        tags = campaign.tag_keys
        tagged = rules.carries_tag(post.body, tags) or rules.carries_tag(
            _text_as_of_end(post, campaign), tags
        )
        if campaign.pk not in existing and not tagged:
            continue
        fields = _judge(post, campaign, post.author, flags)
        entry, _created = Entry.objects.update_or_create(
            campaign=campaign, post=post, defaults=fields
        )
        theirs = Entry.objects.filter(campaign=campaign, author_id=post.author_id)
        first_valid_refresh(entries=theirs)
        touched.append(entry)
    return touched


def first_valid_refresh(*, entries: QuerySet) -> int:
    """Keep `first_valid` on exactly each author's earliest valid entry (by posting time,
    then post id) among `entries` — one author's in one campaign after a post write, a
    whole campaign after a recheck — in two statements. Returns how many flags changed."""
    earlier = Entry.objects.filter(
        campaign=OuterRef("campaign"), author=OuterRef("author"), valid=True
    ).filter(
        Q(posted_at__lt=OuterRef("posted_at"))
        | Q(posted_at=OuterRef("posted_at"), post_id__lt=OuterRef("post_id"))
    )
    is_first = Q(valid=True) & ~Q(Exists(earlier))
    cleared = entries.filter(first_valid=True).exclude(is_first).update(first_valid=False)
    return cleared + entries.filter(first_valid=False).filter(is_first).update(first_valid=True)


@transaction.atomic
def entries_refresh_for_user(*, user: User) -> int:
    """Re-judge a person's open entries after their standing changed (deactivated,
    made staff). Returns how many entries were looked at."""
    open_entries = Entry.objects.filter(
        author=user, campaign__status=Campaign.Status.SCHEDULED
    ).select_related("post", "campaign")
    count = 0
    for entry in open_entries:
        entry_refresh(post=entry.post)
        count += 1
    return count
