"""Who may do what, in one place the services, selectors and the admin all read.

Staff powers are permissions (granted through the roles in `campaigns.roles`), never
`is_staff` alone: a staff account with no permission can sign in to the admin and do
nothing else. Each check also needs an active staff account, so a permission left on a
member's account, or on a deactivated one, grants nothing.
"""

MODERATE = "square.moderate"  # the moderation queue, hiding and restoring, hidden posts
BAN = "square.ban_user"  # ban and unban accounts (without the moderation queue)
CHANGE_USER = "square.change_user"  # deactivate accounts, edit members' profiles


def staff_may(user, permission: str) -> bool:
    """An active staff account holding `permission` (superusers hold every one)."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and user.has_perm(permission)
    )


def may_moderate(user) -> bool:
    return staff_may(user, MODERATE)


def may_ban(user) -> bool:
    """Moderators ban from the queue ("Ban the author"); `ban_user` lets the user
    managers ban and unban from the user list without the queue."""
    return staff_may(user, BAN) or staff_may(user, MODERATE)
