"""Ban and unban actions for the user list in the admin: a reason asked on a
confirmation page, then `user_ban` / `user_unban` for each account (the same services
the moderation queue's "ban the author" uses)."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from square.permissions import may_ban
from square.project.refusals import refusal_text
from square.services.moderation import user_ban, user_unban


class BanActionsMixin:
    """Mixed into SquareUserAdmin: ban and unban accounts with a reason, asked on a
    confirmation page, through `user_ban` / `user_unban`."""

    def has_ban_permission(self, request):
        return may_ban(request.user)

    @admin.action(description=gettext_lazy("Ban selected accounts…"), permissions=["ban"])
    def ban(self, request, queryset):
        return self._ban_page(request, queryset, "ban")

    @admin.action(description=gettext_lazy("Lift the ban of selected accounts…"),
                  permissions=["ban"])  # fmt: skip
    def unban(self, request, queryset):
        return self._ban_page(request, queryset, "unban")

    def _ban_page(self, request, queryset, name):
        users = list(queryset)
        reason = (request.POST.get("reason") or "").strip()
        if request.POST.get("post") == "yes":
            if reason:
                return self._ban_apply(request, users, name, reason)
            self.message_user(
                request, _("Say why: the decision is recorded with it."), messages.ERROR
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Ban accounts") if name == "ban" else _("Lift bans"),
            "members": users,
            "reason": reason,
            "action_name": name,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/square/user_ban.html", context)

    def _ban_apply(self, request, users, name, reason):
        service = user_ban if name == "ban" else user_unban
        changed, failed = 0, []
        for member in users:
            before = member.banned_at
            try:
                after = service(user=member, actor=request.user, reason=reason).banned_at
            except (ValidationError, PermissionDenied) as error:
                failed.append(f"{member.username}: {refusal_text(error)}")
                continue
            changed += (before is None) != (after is None)
        if name == "ban":
            done = ngettext("%(n)d account banned.", "%(n)d accounts banned.", changed)
        else:
            done = ngettext("%(n)d ban lifted.", "%(n)d bans lifted.", changed)
        self.message_user(request, done % {"n": changed}, messages.SUCCESS)
        for line in failed:
            self.message_user(request, line, messages.ERROR)
        return None  # back to the list
