"""Account writes: sign-up, profile edits, deactivation (never deletion)."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from square.models import User
from square.permissions import CHANGE_USER, staff_may
from square.project import hooks
from square.project.page_cache import pages_changed
from square.project.refusals import refusal_text
from square.services import identity
from square.services.avatars import avatar_set


def author_may_write(author: User) -> None:
    """Deactivated and banned accounts can read but write nothing others would see or
    be told of: no post, quote, comment, edit, like, follow, report or profile change.
    What stays open: their own appeal, taking back their own likes, follows, posts and
    comments, reading (and marking read) their notices, a prize's shipping address."""
    if not author.is_active:
        raise PermissionDenied(_("This account is deactivated."))
    if author.banned_at is not None:
        message = _(
            "Your account is banned (%(reason)s): you can still read and appeal, but not "
            "post, comment, like, follow, report or change your profile."
        )
        raise PermissionDenied(message % {"reason": author.ban_reason or _("no reason given")})


def write_refusal(user) -> str:
    """Why `user` may not post, quote or comment ("" when they may): the service's own
    sentence, so the notice before the form and the refusal after it say the same."""
    if not user.is_authenticated:
        return ""
    try:
        author_may_write(user)
    except PermissionDenied as exc:
        return refusal_text(exc)
    return ""


@transaction.atomic
def user_create(*, username: str, password: str) -> User:
    """Create a member; usernames are unique regardless of case (mentions rely on it)."""
    if User.objects.annotate(key=Lower("username")).filter(key=username.lower()).exists():
        raise ValidationError({"username": _("This username is already taken.")})
    identity.username_check(username=username)
    user = User(username=username)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the same name (or a look-alike) signed up at the same instant
        raise ValidationError({"username": _("This username is already taken.")}) from None
    return user


@transaction.atomic
def profile_update(*, user: User, display_name: str, bio: str, avatar=None) -> User:
    """Change what others see of a member; a new avatar is re-encoded like post images.
    Not while banned: a name, bio or picture is shown beside everything they wrote."""
    author_may_write(user)
    for value in (display_name, bio):
        if "\x00" in value:
            raise ValidationError(_("The text contains a NUL character, which is not allowed."))
    if display_name.strip() != user.display_name:  # a name kept from before stays valid
        identity.display_name_check(user=user, display_name=display_name)
    user.display_name = display_name.strip()
    user.bio = bio.strip()
    if avatar is not None:
        avatar_set(user=user, avatar=avatar)
    user.full_clean(exclude=["password", "username", "username_skeleton"])
    user.save(update_fields=["display_name", "bio", "avatar"])
    pages_changed()  # their name and picture are on every page that shows them
    return user


@transaction.atomic
def user_deactivate(*, user: User, staff: User) -> User:
    """Switch an account off. Its posts and history stay; it can no longer log in.
    Staff accounts are switched off only by superusers (a user manager could otherwise
    lock out the people above them)."""
    if not staff_may(staff, CHANGE_USER):
        raise PermissionDenied(_("Deactivating accounts needs the permission to change accounts."))
    if (user.is_staff or user.is_superuser) and not staff.is_superuser:
        raise PermissionDenied(_("Only a superuser can deactivate a staff account."))
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    hooks.user_changed(user=user)
    return user
