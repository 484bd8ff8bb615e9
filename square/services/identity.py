"""Checks that keep members from passing as someone else (issue 15 §3), for the account
services: `user_create` checks a new username, `profile_update` a changed display name.

The rules themselves are pure (`square.names`); here they meet the database: the
username skeleton column (one indexed lookup) and the names of staff and official
accounts. A username's look-alikes are `User.clean`'s to refuse (the admin's forms
call it too), and the column's unique index settles two look-alike sign-ups at the
same instant. Names are checked only when chosen or changed: an older account whose
name a rule now refuses keeps it.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from square import names
from square.models import User

# Staff and official accounts are few; more than this would be a sign something is wrong,
# and the check would still look at this many.
STAFF_NAMES_MAX = 1000


def _reserved_message(word: str) -> str:
    return _("“%(word)s” is kept for Square's own accounts. Please choose another name.") % {
        "word": word
    }


def username_check(*, username: str) -> None:
    """A new member's username has no staff word in it, in any disguise. (The rules for
    everyone, a path segment of its own and no look-alike of an existing username, are
    `User.clean`'s, so the admin's forms apply them too.)"""
    word = names.reserved_word(username)
    if word is not None:
        raise ValidationError({"username": _reserved_message(word)})


def _staff_name_keys() -> set[str]:
    """What the display names of staff and official accounts read as (`name_key`)."""
    badged = User.objects.filter(Q(is_staff=True) | Q(is_official=True)).exclude(display_name="")
    rows = badged.values_list("display_name", flat=True)[:STAFF_NAMES_MAX]
    return {key for key in map(names.name_key, rows) if key}


def display_name_check(*, user: User, display_name: str, badge: bool | None = None) -> None:
    """A display name being chosen: nothing hidden in it; for members, no staff word, not
    a staff or official account's name and not another member's username. `badge` is
    whether the account will carry a badge, where a form changes that too (the admin)."""
    if names.hidden_characters(display_name):
        message = _("A display name cannot contain invisible or text-direction characters.")
        raise ValidationError({"display_name": message})
    if user.has_badge if badge is None else badge:
        return
    word = names.reserved_word(display_name)
    if word is not None:
        raise ValidationError({"display_name": _reserved_message(word)})
    key = names.name_key(display_name)
    if key and key in _staff_name_keys():
        message = _("This is the name of a Square staff or official account.")
        raise ValidationError({"display_name": message})
    lookalike = names.as_username(display_name)
    if lookalike is not None:
        skeleton = names.username_skeleton(lookalike)
        others = User.objects.filter(username_skeleton=skeleton).exclude(pk=user.pk)
        other = others.values_list("username", flat=True).first()
        if other is not None:
            message = _("This display name looks like another member's username, @%(username)s.")
            raise ValidationError({"display_name": message % {"username": other}})
