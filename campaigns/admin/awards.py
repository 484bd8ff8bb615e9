"""What the close and the draw leave behind, for staff to read and act on: the awards
(disqualify, mark issued, mark delivered), the frozen lists, each tier's draw and the
audit log. Nothing here is edited by hand: the actions call the services."""

import json

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from campaigns.codes import can_see_codes, mask_code
from campaigns.models import Award, AwardItem, Snapshot, TierDraw
from campaigns.models.results import AuditEvent
from campaigns.services import award_disqualify, award_mark
from square.project.read_only_admin import ReadOnlyAdmin, ReadOnlyMixin
from square.project.refusals import refusal_text
from square.templatetags.square import when

ADDRESS_PERMISSION = "campaigns.view_shipping_address"


class AwardItemInline(ReadOnlyMixin, admin.TabularInline):
    model = AwardItem
    extra = 0
    can_delete = False
    fields = ("prize", "code", "amount", "currency", "expires_at", "active_until", "shipped_at")
    readonly_fields = fields

    def get_fields(self, request, obj=None):
        """The full code only for staff with `view_voucher_code`; masked otherwise."""
        if can_see_codes(request.user):
            return self.fields
        return tuple("masked_code" if name == "code" else name for name in self.fields)

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description=gettext_lazy("voucher code"))
    def masked_code(self, obj):
        return mask_code(obj.code)


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    list_display = (
        "user",
        "tier",
        "campaign",
        "pos",
        "post_link",
        "status",
        "codes",
        "shipped",
    )
    list_filter = ("tier__campaign", "tier", "status")
    list_select_related = ("user", "tier__campaign", "post")
    search_fields = ("user__username",)
    ordering = ("tier__campaign", "tier__order", "tier", "position")
    inlines = [AwardItemInline]
    actions = ["disqualify", "mark_issued", "mark_delivered"]
    readonly_fields = (
        "campaign",
        "tier",
        "user",
        "post_link",
        "position",
        "status",
        "revoked_reason",
        "created_at",
        "issued_at",
        "delivered_at",
        "revoked_at",
    )

    def get_queryset(self, request):
        shipped = Count("items", filter=Q(items__shipped_at__isnull=False))
        parcels = Count("items", filter=Q(items__prize__kind="physical"))
        return (
            super()
            .get_queryset(request)
            .annotate(n_shipped=shipped, n_parcels=parcels)
            .prefetch_related("items")
        )

    def get_actions(self, request, action_location=admin.ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)
        return actions

    # --- who may ---

    def has_disqualify_permission(self, request):
        return request.user.has_perm("campaigns.run_draw")

    def has_mark_permission(self, request):
        return request.user.has_perm("campaigns.change_award")

    # --- columns ---

    @admin.display(description=gettext_lazy("campaign"), ordering="tier__campaign")
    def campaign(self, obj):
        return obj.tier.campaign

    @admin.display(description=gettext_lazy("position"), ordering="position")
    def pos(self, obj):
        return obj.position

    @admin.display(description=gettext_lazy("post"))
    def post_link(self, obj):
        if obj.post_id is None:
            return "—"
        url = reverse("admin:square_post_change", args=[obj.post_id])
        return format_html('<a href="{}">#{}</a>', url, obj.post_id)

    @admin.display(description=gettext_lazy("voucher codes"))
    def codes(self, obj):
        """Always masked in the list; in full on the award's page for those allowed."""
        masked = [(mask_code(item.code),) for item in obj.items.all() if item.code]
        if not masked:
            return "—"
        return format_html_join(" ", "<code>{}</code>", masked)

    @admin.display(description=gettext_lazy("shipped"))
    def shipped(self, obj):
        parcels = getattr(obj, "n_parcels", 0)
        if not parcels:
            return "—"
        return _("%(shipped)d of %(parcels)d") % {
            "shipped": getattr(obj, "n_shipped", 0),
            "parcels": parcels,
        }

    def _detail_fields(self, request):
        seen = request.user.has_perm(ADDRESS_PERMISSION)
        return (*self.readonly_fields, "shipping_address" if seen else "shipping_address_hidden")

    def get_fields(self, request, obj=None):
        return self._detail_fields(request)

    def get_readonly_fields(self, request, obj=None):
        return self._detail_fields(request)

    @admin.display(description=gettext_lazy("shipping address"))
    def shipping_address_hidden(self, obj):
        return _("hidden — needs the “view shipping address” permission")

    @admin.display(description=gettext_lazy("shipping address"))
    def shipping_address(self, obj):
        """Only listed (see _detail_fields) for staff who may see addresses."""
        address = getattr(obj, "address", None)
        if address is None:
            return _("not given yet")
        lines = [
            (address.name,),
            (address.phone,),
            (address.address,),
            (f"{address.postcode} {address.country}".strip(),),
        ]
        return format_html_join("", "{}<br>", lines)

    # --- actions ---

    @admin.action(
        description=gettext_lazy("Disqualify the selected winners (the next takes the place)…"),
        permissions=["disqualify"],
    )
    def disqualify(self, request, queryset):
        awards = list(queryset.select_related("user", "tier__campaign"))
        reason = (request.POST.get("reason") or "").strip()
        if request.POST.get("post") == "yes":
            if not reason:
                self.message_user(request, _("Say why these awards are revoked."), messages.ERROR)
            else:
                return self._disqualify(request, awards, reason)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Disqualify winners"),
            "awards": awards,
            "reason": reason,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action_name": "disqualify",
        }
        return TemplateResponse(request, "admin/campaigns/award/disqualify.html", context)

    def _disqualify(self, request, awards, reason):
        replaced, failed = [], []
        for award in awards:
            if award.status == Award.Status.REVOKED:
                failed.append(_("%(user)s: already revoked.") % {"user": award.user.username})
                continue
            try:
                replacement = award_disqualify(award=award, reason=reason, actor=request.user)
            except (ValidationError, PermissionDenied) as error:
                failed.append(f"{award.user.username}: {refusal_text(error)}")
                continue
            if replacement is None:
                replaced.append(
                    _("%(user)s revoked; no one left to take the place")
                    % {"user": award.user.username}
                )
            else:
                replaced.append(
                    _("%(user)s revoked; %(next)s (position %(pos)d) takes the place")
                    % {
                        "user": award.user.username,
                        "next": replacement.user.username,
                        "pos": replacement.position,
                    }
                )
        if replaced:
            self.message_user(request, "; ".join(replaced) + ".", messages.SUCCESS)
        for line in failed:
            self.message_user(request, line, messages.ERROR)
        return None

    def _mark(self, request, queryset, status):
        marked, failed = 0, []
        for award in queryset.select_related("user"):
            try:
                award_mark(award=award, status=status, actor=request.user)
                marked += 1
            except (ValidationError, PermissionDenied) as error:
                failed.append(f"{award.user.username}: {refusal_text(error)}")
        if marked:
            label = Award.Status(status).label
            message = ngettext(
                "%(n)d award marked %(status)s.", "%(n)d awards marked %(status)s.", marked
            ) % {"n": marked, "status": label}
            self.message_user(request, message, messages.SUCCESS)
        for line in failed:
            self.message_user(request, line, messages.ERROR)

    @admin.action(description=gettext_lazy("Mark the selected awards issued"), permissions=["mark"])
    def mark_issued(self, request, queryset):
        self._mark(request, queryset, Award.Status.ISSUED)

    @admin.action(
        description=gettext_lazy("Mark the selected awards delivered"), permissions=["mark"]
    )
    def mark_delivered(self, request, queryset):
        self._mark(request, queryset, Award.Status.DELIVERED)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The append-only log: who did what to which campaign, when, with what result."""

    list_display = ("created", "campaign", "action", "who", "inputs_short")
    list_filter = ("campaign", "action")
    list_select_related = ("campaign", "actor")
    search_fields = ("actor__username", "action")
    date_hierarchy = "created_at"
    fields = ("created", "campaign", "action", "who", "inputs_json", "result_json")
    readonly_fields = fields
    actions = None

    @admin.display(description=gettext_lazy("when"), ordering="created_at")
    def created(self, obj):
        return when(obj.created_at, False)

    @admin.display(description=gettext_lazy("who"), ordering="actor")
    def who(self, obj):
        return obj.actor.username if obj.actor_id else _("command line")

    @admin.display(description=gettext_lazy("inputs"))
    def inputs_short(self, obj):
        text = json.dumps(obj.inputs, ensure_ascii=False, sort_keys=True)
        return text if len(text) <= 80 else f"{text[:79]}…"

    @admin.display(description=gettext_lazy("inputs"))
    def inputs_json(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.inputs, ensure_ascii=False, indent=2))

    @admin.display(description=gettext_lazy("result"))
    def result_json(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.result, ensure_ascii=False, indent=2))


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    """The lists frozen at close, with the digests published before the draw."""

    list_display = ("campaign", "kind", "size", "digest_code", "created_at")
    list_filter = ("campaign", "kind")
    list_select_related = ("campaign",)
    fields = ("campaign", "kind", "size", "digest_code", "created_at")
    readonly_fields = fields
    actions = None

    def get_queryset(self, request):
        return super().get_queryset(request).defer("body", "rows")  # can be huge

    @admin.display(description=gettext_lazy("SHA-256"))
    def digest_code(self, obj):
        return format_html("<code>{}</code>", obj.digest)


@admin.register(TierDraw)
class TierDrawAdmin(ReadOnlyAdmin):
    """Each tier's outcome: the ordered sequence its winners and alternates came from."""

    list_display = ("tier", "campaign", "snapshot_kind", "sequence_length", "drawn_at")
    list_filter = ("tier__campaign",)
    list_select_related = ("tier__campaign", "snapshot")
    fields = ("tier", "campaign", "snapshot_kind", "sequence_length", "sequence_head", "drawn_at")
    readonly_fields = fields
    actions = None

    def get_queryset(self, request):
        return super().get_queryset(request).defer("snapshot__body", "snapshot__rows")

    @admin.display(description=gettext_lazy("campaign"), ordering="tier__campaign")
    def campaign(self, obj):
        return obj.tier.campaign

    @admin.display(description=gettext_lazy("list"))
    def snapshot_kind(self, obj):
        return f"{obj.snapshot.get_kind_display()} ({obj.snapshot.digest[:12]}…)"

    @admin.display(description=gettext_lazy("length"))
    def sequence_length(self, obj):
        return len(obj.sequence or [])

    @admin.display(description=gettext_lazy("sequence (first 50)"))
    def sequence_head(self, obj):
        head = ", ".join(str(i) for i in (obj.sequence or [])[:50])
        return head + (" …" if len(obj.sequence or []) > 50 else "")
