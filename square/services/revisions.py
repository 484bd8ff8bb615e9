"""What an edit may cost: how often a member may edit, and which earlier texts a post keeps.

Every edit stores the text it replaces (a 5,000-character post is ~15 KB), so without a
bound 300 edits made a 4.6 MB history page. Edits are counted per member and per post
(`SQUARE_RATE_LIMITS["edit"]`, `["edit_post"]`), and a post keeps its first text, its
last `SQUARE_REVISIONS_KEPT` earlier texts, the text in force when it was reported,
flagged as a copy or decided on by a moderator (what they judge must stay readable), and
the text in force at each moment an app names through `hooks.revision_moments`
(campaigns: each end, whose text is judged).
Both run inside the edit's transaction: an edit over the limit changes nothing, and a
pruned history is committed with the edit that made it long.
"""

from django.conf import settings

from square.models import DuplicateFlag, ModerationAction, Post, Report, User
from square.project import hooks
from square.project.ratelimit import rate_limit_hit


def edit_limits_hit(*, editor: User, post: Post) -> None:
    """Count one edit against the member's and the post's hourly limits (RateLimited
    over either: the middleware answers 429 with its message)."""
    rate_limit_hit(action="edit", user_id=editor.pk)
    rate_limit_hit(action="edit_post", user_id=post.pk)  # the post's id is the subject


def revisions_prune(*, post: Post) -> int:
    """Delete the revisions a post no longer keeps; returns how many went.

    Kept: the first (the text as posted), the last `SQUARE_REVISIONS_KEPT`, and every
    revision in force at a moment of moderation or one `hooks.revision_moments` names.
    Pruning at each edit leaves few rows to look at, so this reads a handful of rows."""
    last_n = settings.SQUARE_REVISIONS_KEPT
    rows = list(
        post.revisions.order_by("written_at", "pk").values_list("pk", "written_at", "replaced_at")
    )
    if len(rows) <= last_n + 1:
        return 0
    keep = {rows[0][0]}
    if last_n:
        keep.update(pk for pk, _w, _r in rows[-last_n:])
    for moment in [*_moderation_moments(post), *hooks.revision_moments(post=post)]:
        keep.update(pk for pk, written, replaced in rows if written <= moment < replaced)
    doomed = [pk for pk, _w, _r in rows if pk not in keep]
    if doomed:
        post.revisions.filter(pk__in=doomed).delete()
    return len(doomed)


def _moderation_moments(post: Post) -> list:
    """When the post was reported, flagged as a copy or decided on: the text moderators
    look at then must not be edited out of its history (an abusive version pushed out by
    twenty harmless edits)."""
    return [
        *Report.objects.filter(post=post).values_list("created_at", flat=True),
        *DuplicateFlag.objects.filter(post=post).values_list("created_at", flat=True),
        *ModerationAction.objects.filter(post=post).values_list("created_at", flat=True),
    ]
