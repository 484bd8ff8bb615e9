"""Moderation: reports, appeals, staff decisions and bans.

Every decision is one transaction that records who, when and why
(`ModerationAction`), re-judges what depends on the post (`hooks.post_changed`) and
tells other apps (`hooks.moderated`: campaigns audit it and revoke awards).
"""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from square import similarity
from square.models import Appeal, DuplicateFlag, ModerationAction, Post, Report, User
from square.permissions import may_ban, may_moderate
from square.project import hooks
from square.selectors.integrity import Findings, integrity_state
from square.services.accounts import author_may_write
from square.services.posts import post_hide, post_restore

Action = ModerationAction.Action
ALREADY_APPEALED = gettext_lazy(
    "You have already appealed: a post can be appealed once, and staff will answer it."
)
POST_LINK_RE = re.compile(r"(?:/posts/|^#?)([0-9]{1,18})/?(?:[?#].*)?$")


def _require_moderator(actor: User) -> None:
    if not may_moderate(actor):
        raise PermissionDenied(_("You may not moderate posts."))


def _require_ban(actor: User) -> None:
    if not may_ban(actor):
        raise PermissionDenied(_("You may not ban accounts."))


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why: the decision is recorded with it.")})
    if "\x00" in reason or len(reason) > 500:
        raise ValidationError({"reason": _("Give the reason in at most 500 characters.")})
    return reason


def _original_from_link(link: str, post: Post) -> Post:
    """The earlier post a plagiarism report points at: its link or its number."""
    match = POST_LINK_RE.search((link or "").strip())
    original = match and Post.objects.filter(pk=int(match.group(1))).first()
    if not original or original.status == Post.Status.DELETED:
        raise ValidationError({"original": _("Paste the link of the original post on Square.")})
    if original.pk == post.pk or original.created_at >= post.created_at:
        raise ValidationError({"original": _("The original must be an earlier post.")})
    return original


@transaction.atomic
def report_create(
    *, reporter: User, post: Post, reason: str, original_link: str = "", note: str = ""
) -> Report:
    """A person reports a post, once. Plagiarism reports name the original. A banned
    account cannot report (its own appeal is its channel to the moderators)."""
    author_may_write(reporter)
    if reporter.pk == post.author_id:
        raise ValidationError(_("You cannot report your own post."))
    if reason not in Report.Reason.values:
        raise ValidationError({"reason": _("Choose what is wrong with the post.")})
    note = (note or "").strip()
    if "\x00" in note or len(note) > 500:
        raise ValidationError({"note": _("Give the note in at most 500 characters.")})
    original = None
    if reason == Report.Reason.PLAGIARISM:
        original = _original_from_link(original_link, post)
    try:
        with transaction.atomic():
            return Report.objects.create(
                reporter=reporter, post=post, reason=reason, original=original, note=note
            )
    except IntegrityError:
        raise ValidationError(_("You have already reported this post.")) from None


def appeal_allowed(post: Post) -> bool:
    """An author may appeal a post that is flagged (not cleared) or hidden, once."""
    found = integrity_state(post_ids=[post.pk]).get(post.pk, Findings())
    return found.appeal_allowed(post.status)


@transaction.atomic
def appeal_create(*, author: User, post: Post, text: str) -> Appeal:
    """The author's one appeal: a short text that reaches the moderation queue."""
    if author.pk != post.author_id:
        raise PermissionDenied(_("Only the author can appeal."))
    text = (text or "").strip()
    if not text or "\x00" in text or len(text) > 500:
        raise ValidationError({"text": _("Explain in 1 to 500 characters why this is wrong.")})
    if not appeal_allowed(post):
        if Appeal.objects.filter(post=post).exists():
            raise ValidationError(ALREADY_APPEALED)
        raise ValidationError(_("There is nothing to appeal on this post."))
    try:
        with transaction.atomic():
            return Appeal.objects.create(post=post, author=author, text=text)
    except IntegrityError:
        raise ValidationError(ALREADY_APPEALED) from None


def _settle(
    post: Post, *, flags: str, reports: str, appeal: str, now, reverse: bool = False
) -> None:
    """Close the case: flags waiting for review take `flags` (clearing also lifts
    confirmed ones and self-repeats; confirming with none waiting reverses a clearing),
    open reports `reports`, an open appeal `appeal`."""
    waiting = post.duplicate_flags.filter(status=DuplicateFlag.Status.PENDING).exclude(
        kind=DuplicateFlag.Kind.SELF_REPEAT
    )
    if flags == DuplicateFlag.Status.CLEARED:
        waiting = post.duplicate_flags.exclude(status=DuplicateFlag.Status.CLEARED)
    elif reverse and not waiting.exists():  # staff reverse an earlier clearing
        waiting = post.duplicate_flags.exclude(kind=DuplicateFlag.Kind.SELF_REPEAT)
    waiting.update(status=flags, reviewed_at=now)
    post.reports.filter(status=Report.Status.OPEN).update(status=reports)
    Appeal.objects.filter(post=post, status=Appeal.Status.OPEN).update(
        status=appeal, decided_at=now
    )


def _confirm_from_report(post: Post) -> None:
    """Confirming plagiarism that only people reported: a flag for the named original."""
    report = post.reports.filter(reason=Report.Reason.PLAGIARISM, original__isnull=False).first()
    if report is None or post.duplicate_flags.filter(source=report.original).exists():
        return
    units = [u.value for u in similarity.units(post.body)]
    match = similarity.compare(
        len(units), similarity.shingles_of(units), similarity.shingles(report.original.body)
    )
    DuplicateFlag.objects.create(
        post=post, source=report.original, kind=DuplicateFlag.Kind.COPY_OF_OTHER,
        similarity=round(match.jaccard, 4), containment=round(match.containment, 4),
    )  # fmt: skip


def _check_decidable(post: Post, action: str) -> None:
    """Refuse a decision that has nothing to act on, with a reason staff can read."""
    if action == Action.CONFIRM:
        _confirm_from_report(post)
        copies = post.duplicate_flags.exclude(kind=DuplicateFlag.Kind.SELF_REPEAT)
        if not copies.exists():
            raise ValidationError(
                _("There is no copy to confirm: no duplicate flag and no plagiarism report.")
            )
    elif action == Action.BAN and post.author.banned_at is not None:
        raise ValidationError(_("The author is already banned."))
    elif action not in Action.values or action == Action.UNBAN:
        raise ValidationError(_("Choose a decision."))


@transaction.atomic
def moderation_decide(*, post: Post, actor: User, action: str, reason: str) -> ModerationAction:
    """Staff decide on a post in the queue: confirm plagiarism, clear, hide it, or ban
    its author. Any decision closes the case: flags, reports and the appeal are settled
    with it (hiding or banning counts the waiting flags as confirmed; clearing also
    shows a hidden post again)."""
    _require_moderator(actor)
    reason = _reason(reason)
    post = Post.objects.select_for_update().select_related("author").get(pk=post.pk)
    _check_decidable(post, action)
    now = timezone.now()
    if action == Action.CLEAR:
        _settle(post, flags="cleared", reports="dismissed", appeal="accepted", now=now)
    else:
        reverse = action == Action.CONFIRM
        _settle(
            post, flags="confirmed", reports="upheld", appeal="rejected", now=now, reverse=reverse
        )
    post.duplicate_flags.filter(reviewed_at=now).update(reviewed_by=actor)
    if action == Action.HIDE:
        post = post_hide(post=post, staff=actor)
    if action == Action.CLEAR and post.status == Post.Status.HIDDEN:
        post = post_restore(post=post, staff=actor)  # cleared: no violation to hide
    if action == Action.BAN:  # user_ban records the decision and tells the other apps
        user_ban(user=post.author, actor=actor, reason=reason, post=post)
        hooks.post_changed(post=post)
        return post.moderation_actions.filter(action=Action.BAN).latest("created_at", "id")
    record = ModerationAction.objects.create(
        actor=actor, action=action, post=post, user=post.author, reason=reason, created_at=now
    )
    hooks.post_changed(post=post)
    hooks.moderated(action=action, actor=actor, reason=reason, post=post, user=post.author)
    return record


@transaction.atomic
def user_ban(*, user: User, actor: User, reason: str, post: Post | None = None) -> User:
    """Stop an account posting and counting: its campaign entries and interactions no
    longer count, and awards already drawn are revoked (by the campaigns hook)."""
    _require_ban(actor)
    reason = _reason(reason)
    if user.pk == actor.pk or user.is_superuser or (user.is_staff and not actor.is_superuser):
        raise ValidationError(_("This account cannot be banned here."))  # staff: superusers
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.banned_at is not None:
        return user
    user.banned_at, user.ban_reason = timezone.now(), reason
    user.save(update_fields=["banned_at", "ban_reason"])
    ModerationAction.objects.create(
        actor=actor, action=Action.BAN, user=user, post=post, reason=reason
    )
    hooks.user_changed(user=user)
    hooks.moderated(action=Action.BAN, actor=actor, reason=reason, post=post, user=user)
    return user


@transaction.atomic
def user_unban(*, user: User, actor: User, reason: str) -> User:
    """Lift a ban. Open entries count again; revoked awards stay revoked."""
    _require_ban(actor)
    reason = _reason(reason)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.banned_at is None:
        return user
    user.banned_at, user.ban_reason = None, ""
    user.save(update_fields=["banned_at", "ban_reason"])
    ModerationAction.objects.create(actor=actor, action=Action.UNBAN, user=user, reason=reason)
    hooks.user_changed(user=user)
    hooks.moderated(action=Action.UNBAN, actor=actor, reason=reason, user=user)
    return user
