"""Post writes: create, edit (with history), delete by the author, hide/restore by staff;
and the repair of a post's image thumbnails."""

import logging
from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from square import text
from square.images import ImageRejected, process_post_images, thumbnail_of_stored
from square.models import Post, PostImage, PostRevision, User
from square.models.post import BODY_MAX
from square.permissions import may_moderate
from square.project import hooks
from square.services.accounts import author_may_write
from square.services.duplicates import duplicate_check
from square.services.hashtags import hashtags_attach, hashtags_bump
from square.services.notifications import notification_create
from square.services.revisions import edit_limits_hit, revisions_prune

logger = logging.getLogger(__name__)

MAX_TAGS_PER_POST = 30
MAX_MENTIONS_PER_POST = 50


def post_body_clean(body: str, *, allow_empty: bool = False) -> str:
    """Validate a body and return it as it will be stored (line endings unified).

    `allow_empty` is for a repost's quote: no text makes it a plain repost.
    """
    body = (body or "").replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in body:
        raise ValidationError(
            {"body": _("The text contains a NUL character, which is not allowed.")}
        )
    if not text.has_visible(body):  # empty, or only spaces and zero-width padding
        if allow_empty:
            return ""
        raise ValidationError({"body": _("Write something before posting.")})
    if len(body) > BODY_MAX:
        message = _("A post can be at most %(max)d characters; this one has %(n)d.")
        raise ValidationError({"body": message % {"max": BODY_MAX, "n": len(body)}})
    n_tags = len(text.hashtags(body))
    if n_tags > MAX_TAGS_PER_POST:
        message = _("A post can carry at most %(max)d hashtags; this one has %(n)d.")
        raise ValidationError({"body": message % {"max": MAX_TAGS_PER_POST, "n": n_tags}})
    return body


def _process_images(images: Sequence) -> list:
    limit = settings.SQUARE_IMAGES_PER_POST
    if len(images) > limit:
        message = ngettext(
            "You can attach at most %(max)d image.", "You can attach at most %(max)d images.", limit
        )
        raise ValidationError({"images": message % {"max": limit}})
    try:  # every header and the post's decoding budget are checked before any decoding
        return process_post_images(images)
    except ImageRejected as exc:
        raise ValidationError({"images": exc.messages}) from None


def _mentions_set(post: Post, *, created: bool = False) -> None:
    """Link the @mentioned users, and notify the ones this text mentions for the first
    time. A `created` post has no links yet: nothing to read or clear first."""
    names = [n.lower() for n in text.mentions(post.body)][:MAX_MENTIONS_PER_POST]
    if created and not names:
        return
    users = (
        list(User.objects.annotate(key=Lower("username")).filter(key__in=names)) if names else []
    )
    if created:
        before: set[int] = set()
        post.mentions.add(*users)
    else:
        before = set(post.mentions.values_list("pk", flat=True))
        post.mentions.set(users)
    for user in users:
        if user.pk not in before and post.status == Post.Status.PUBLISHED:
            notification_create(recipient=user, kind="mention", actor=post.author, post=post)


@transaction.atomic
def post_create(
    *, author: User, body: str, images: Sequence = (), created_at: datetime | None = None
) -> Post:
    """Publish a post with its images, hashtags and mentions, all or nothing.

    Images are decoded and re-encoded before anything is written, so a bad file leaves
    no trace. `created_at` is for imports and demo data; people always post "now".
    """
    author_may_write(author)
    body = post_body_clean(body)
    processed = _process_images(images)
    post = Post.objects.create(author=author, body=body, created_at=created_at or timezone.now())
    stored: list = []
    try:
        _images_store(post, processed, stored)
        hashtags_attach(post=post, created=True)
        _mentions_set(post, created=True)
        User.objects.filter(pk=author.pk).update(post_count=F("post_count") + 1)
        duplicate_check(post=post)
        hooks.post_changed(post=post)
    except Exception:
        _files_remove(stored)  # the rows roll back with the transaction; files would stay
        raise
    return post


def _files_remove(files: list) -> None:
    for file in files:
        try:
            file.storage.delete(file.name)
        except Exception:  # keep the error that stopped the post, not this one
            logger.exception("Could not remove %s after a post failed", file.name)


def _images_store(post: Post, processed: list, stored: list) -> None:
    """Write each image, its thumbnail and its row, listing the files in `stored` as they
    are written. A storage failure (a full disk, the bucket unreachable) is a form error,
    not a 500; post_create then removes the files already written."""
    try:
        for position, image in enumerate(processed):
            row = PostImage(post=post, position=position)
            for file, content in ((row.image, image.image), (row.thumbnail, image.thumbnail)):
                file.save(content.name, content, save=False)
                stored.append(file)
            row.save()
    except OSError as exc:
        logger.error("Storing the images of a post by user %s failed: %s", post.author_id, exc)
        message = _("The images could not be stored just now, so nothing was posted. "
                    "Please try again in a few minutes.")  # fmt: skip
        raise ValidationError({"images": message}) from exc


def _insert_plain_repost(author: User, original: Post) -> tuple[Post, bool]:
    """A new plain repost, or the one this person already has: the unique constraint
    decides, so a double click cannot make two."""
    try:
        with transaction.atomic():
            return Post.objects.create(author=author, body="", repost_of=original), True
    except IntegrityError:
        existing = Post.objects.exclude(status=Post.Status.DELETED)
        return existing.get(author=author, repost_of=original, body=""), False


@transaction.atomic
def repost_create(*, author: User, post: Post, quote: str = "") -> tuple[Post, bool]:
    """Repost `post`, with an optional quote whose hashtags and mentions are its own.

    Reposting a repost reposts its original, so `repost_of` is never a repost. Deleted
    and hidden posts cannot be reposted. A second plain repost of the same post
    returns the first; quotes are unlimited. Returns (repost, created).
    """
    author_may_write(author)
    original_id = post.repost_of_id or post.pk
    original = Post.objects.select_for_update().filter(pk=original_id).first()
    target_ok = Post.objects.published().filter(pk=post.pk).exists()
    if original is None or not original.is_published or not target_ok:
        raise ValidationError({"body": _("This post is no longer available to repost.")})
    quote = post_body_clean(quote, allow_empty=True)
    if quote:
        repost = Post.objects.create(author=author, body=quote, repost_of=original)
    else:
        repost, created = _insert_plain_repost(author, original)
        if not created:
            return repost, False
    hashtags_attach(post=repost, created=True)
    _mentions_set(repost, created=True)
    if quote:  # a quote's hashtags are its own: it may enter a campaign
        duplicate_check(post=repost)
        hooks.post_changed(post=repost)
    User.objects.filter(pk=author.pk).update(post_count=F("post_count") + 1)
    Post.objects.filter(pk=original.pk).update(repost_count=F("repost_count") + 1)
    hooks.interaction_changed(post_id=original.pk, user_id=author.pk)
    # A quote is news in itself (it links to the quote); plain reposts group by original.
    kind, about = ("quote", repost) if quote else ("repost", original)
    notification_create(recipient=original.author, kind=kind, actor=author, post=about)
    return repost, True


@transaction.atomic
def post_edit(*, post: Post, editor: User, body: str) -> Post:
    """Change a post's text, keeping the previous text and its time as a revision.
    Edits are limited per member and per post (429 beyond, nothing changed), and the
    revisions a post no longer keeps are pruned in this transaction (`services.revisions`)."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    if editor.pk != post.author_id:
        raise PermissionDenied(_("You can only edit your own posts."))
    author_may_write(editor)
    if post.status != Post.Status.PUBLISHED:
        raise ValidationError(_("This post can no longer be edited."))
    if post.is_plain_repost:  # text would turn it into a quote and lift the one-repost rule
        raise ValidationError(_("A repost has no text to edit; undo it and quote instead."))
    body = post_body_clean(body)
    if body == post.body:
        return post
    edit_limits_hit(editor=editor, post=post)
    now = timezone.now()
    PostRevision.objects.create(
        post=post, body=post.body, written_at=post.edited_at or post.created_at, replaced_at=now
    )
    post.body = body
    post.edited_at = now
    post.save(update_fields=["body", "edited_at"])
    hashtags_attach(post=post)
    _mentions_set(post)
    duplicate_check(post=post)
    hooks.post_changed(post=post)
    revisions_prune(post=post)
    return post


def _status_change(post: Post, new_status: str) -> Post:
    """Move a locked post to another status and keep the published counters exact."""
    was_published = post.status == Post.Status.PUBLISHED
    post.status = new_status
    post.save(update_fields=["status"])
    now_published = new_status == Post.Status.PUBLISHED
    if was_published != now_published:
        delta = 1 if now_published else -1
        User.objects.filter(pk=post.author_id).update(post_count=F("post_count") + delta)
        hashtags_bump(hashtag_ids=post.tag_links.values_list("hashtag_id", flat=True), delta=delta)
        if post.repost_of_id:  # the original counts its published reposts
            Post.objects.filter(pk=post.repost_of_id).update(repost_count=F("repost_count") + delta)
    hooks.post_changed(post=post)
    return post


@transaction.atomic
def post_delete(*, post: Post, actor: User) -> Post:
    """Soft-delete by the author: the row stays, so history ("has posted") stays true."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    if actor.pk != post.author_id:
        raise PermissionDenied(_("You can only delete your own posts."))
    if post.status == Post.Status.DELETED:
        return post
    return _status_change(post, Post.Status.DELETED)


def _moderate(post: Post, staff: User, source: str, target: str) -> Post:
    """Move a post from `source` to `target` status for moderators; otherwise leave it."""
    if not may_moderate(staff):
        raise PermissionDenied(_("Hiding and restoring posts needs the moderation permission."))
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.status != source:
        return post
    return _status_change(post, target)


@transaction.atomic
def post_hide(*, post: Post, staff: User) -> Post:
    """Staff take a post out of every feed; the author still sees it, marked hidden."""
    return _moderate(post, staff, Post.Status.PUBLISHED, Post.Status.HIDDEN)


@transaction.atomic
def post_restore(*, post: Post, staff: User) -> Post:
    """Staff undo a hide. A post its author deleted stays deleted."""
    return _moderate(post, staff, Post.Status.HIDDEN, Post.Status.PUBLISHED)


def post_thumbnails_rebuild(*, post: Post) -> int:
    """Make each of a post's feed thumbnails anew from its stored image (after the
    thumbnail size changed, or a thumbnail file was lost). The row points to the new
    file before the old one is removed. Returns how many were made; an image whose own
    file is missing is skipped and logged."""
    made = 0
    for image in PostImage.objects.filter(post=post):
        try:
            with image.image.open("rb") as stored:
                data = stored.read()
        except OSError:
            logger.warning(
                "Post %s image %s: stored file %s is missing", post.pk, image.pk, image.image.name
            )
            continue
        old_name = image.thumbnail.name
        image.thumbnail.save("thumb.jpg", thumbnail_of_stored(data), save=False)
        PostImage.objects.filter(pk=image.pk).update(thumbnail=image.thumbnail.name)
        if old_name and old_name != image.thumbnail.name:
            image.thumbnail.storage.delete(old_name)
        made += 1
    return made
