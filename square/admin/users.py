"""The user admin and the group admin, with least privilege (issue 15).

Django's `UserAdmin` lets anyone with `change_user` edit every field of every account,
`is_superuser` and permissions included, and set anyone's password. Here:

- Only superusers (the `is_superuser` flag, not a group) see or change `is_superuser`,
  `is_staff`, `is_official`, groups, permissions, usernames, e-mail addresses and
  passwords. Everyone else gets a narrow form: active, display name, bio and avatar,
  with the rest shown read-only. The form is built from these fields only, so anything
  else posted by hand is ignored by the server, not just hidden.
- Non-superusers change member accounts only, never a staff or superuser account
  (their own included: staff change their profile on the site and their password on
  the admin's own "Change password" page, which asks for the old one).
- The password page of `/admin/square/user/<id>/password/` answers 403 to everyone
  but superusers.
- Groups are created by a migration (`campaigns.roles`) and changed only by
  superusers, so nobody grants a permission they do not hold.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from square.admin.bans import BanActionsMixin
from square.forms import UserAdminChangeForm
from square.models import User
from square.project import hooks
from square.services.accounts import user_deactivate

# What a user manager (or anyone short of a superuser) may edit on a member's account.
NARROW_EDITABLE = ("is_active", "display_name", "bio", "avatar")
NARROW_FIELDSETS = (
    (None, {"fields": ("username", "is_active")}),
    (_("Profile"), {"fields": ("display_name", "bio", "avatar", "post_count")}),
    (_("Ban"), {"fields": ("banned_at", "ban_reason")}),
    (_("Important dates"), {"fields": ("last_login", "date_joined")}),
)


def narrow_readonly(fieldsets) -> tuple[str, ...]:
    """Every field of `fieldsets` but the few a non-superuser may edit."""
    names = [name for _title, options in fieldsets for name in options["fields"]]
    return tuple(name for name in names if name not in NARROW_EDITABLE)


class LeastPrivilegeUserMixin:
    """Mixed into SquareUserAdmin before Django's UserAdmin."""

    def get_fieldsets(self, request, obj=None):
        if obj is None or request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return NARROW_FIELDSETS

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is None or request.user.is_superuser:
            return fields
        return tuple(dict.fromkeys((*fields, *narrow_readonly(NARROW_FIELDSETS))))

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or request.user.is_superuser:
            return True
        return not (obj.is_staff or obj.is_superuser)  # staff accounts: superusers only

    def user_change_password(self, request, id, form_url=""):
        """Setting someone's password is signing in as them: superusers only."""
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


def _beside_is_staff(fieldsets) -> tuple:
    """Django's user fieldsets with `is_official` right after `is_staff`: the official
    badge is granted like staff status, by superusers only (the mixin above)."""
    return tuple(
        (title, {**options, "fields": tuple(
            name for field in options["fields"]
            for name in ((field, "is_official") if field == "is_staff" else (field,))
        )})
        for title, options in fieldsets
    )  # fmt: skip


@admin.register(User)
class SquareUserAdmin(LeastPrivilegeUserMixin, BanActionsMixin, UserAdmin):
    form = UserAdminChangeForm  # display names follow the members' rules here too
    list_display = (
        "username",
        "display_name",
        "post_count",
        "is_active",
        "is_staff",
        "date_joined",
        "last_login",
    )
    list_filter = ("is_active", "is_staff", "is_official", "is_superuser", "date_joined")
    search_fields = ("username", "display_name", "email")
    ordering = ("-date_joined",)
    readonly_fields = (
        "post_count",
        "follower_count",
        "following_count",
        "date_joined",
        "last_login",
        "banned_at",
        "ban_reason",
    )
    fieldsets = (
        *_beside_is_staff(UserAdmin.fieldsets),
        (
            _("Profile"),
            {
                "fields": (
                    "display_name",
                    "bio",
                    "avatar",
                    "post_count",
                    "follower_count",
                    "following_count",
                )
            },
        ),
        (_("Ban"), {"fields": ("banned_at", "ban_reason")}),
    )
    actions = ["deactivate", "ban", "unban"]

    def has_delete_permission(self, request, obj=None):
        return False  # accounts are deactivated, never deleted with their posts

    def save_model(self, request, obj, form, change):
        """Saving may switch `is_active` or `is_staff`, which campaigns judge entries by."""
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            hooks.user_changed(user=obj)

    @admin.action(description=_("Deactivate selected accounts"), permissions=["change"])
    def deactivate(self, request, queryset):
        """Each account through `user_deactivate`; one it refuses (a staff account, for
        anyone but a superuser) is named in a message and the rest go ahead."""
        done = 0
        for user in queryset:
            try:
                user_deactivate(user=user, staff=request.user)
            except PermissionDenied as error:
                self.message_user(request, f"{user.username}: {error}", messages.ERROR)
                continue
            done += 1
        self.message_user(
            request,
            ngettext("%(n)d account deactivated.", "%(n)d accounts deactivated.", done)
            % {"n": done},
            messages.SUCCESS,
        )


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(GroupAdmin):
    """The roles: readable by staff allowed to view groups, changed by superusers only."""

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
