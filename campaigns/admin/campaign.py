"""The campaign admin: tiers inline, the rules locked once live, and the dashboard."""

from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from campaigns.admin.dashboard_chart import chart_svg
from campaigns.admin.forms import (
    BEACON_FIELDS,
    HAND_SET_STATUSES,
    RULE_FIELDS,
    CampaignForm,
    TierForm,
    change_attempted,
    commitment,
    phase_label,
)
from campaigns.admin.operations import CampaignOperationsMixin
from campaigns.models import Campaign, RewardTier
from campaigns.selectors.dashboard import campaign_dashboard
from campaigns.services import entries_recheck
from campaigns.services.audit import audit_record
from campaigns.services.verify import VerifyError, campaign_verify
from campaigns.tasks import leaderboard_rebuild_soon
from campaigns.templatetags.campaign_pages import duration_words
from square.project.beijing_time import SECONDS, beijing_text
from square.project.page_cache import pages_changed
from square.templatetags.square import when

# What the live leaderboard rows are computed with (`campaigns.services.scores`).
SCORING_FIELDS = (
    "posts_cap", "w_posts", "w_like", "w_comment", "w_repost", "interactor_cap",
    "min_interactor_age_hours",
)  # fmt: skip


class RewardTierInline(admin.TabularInline):
    model = RewardTier
    form = TierForm
    extra = 0
    fields = ("order", "slug", "name", "kind", "winners", "prizes_summary")  # name_en: tier page
    readonly_fields = ("prizes_summary",)
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("prizes")

    @admin.display(description=gettext_lazy("prizes"))
    def prizes_summary(self, obj):
        if obj.pk is None:
            return _("Save the campaign, then add prizes.")
        labels = [(p.label,) for p in obj.prizes.all()] or [(_("none yet"),)]
        url = reverse("admin:campaigns_rewardtier_change", args=[obj.pk])
        return format_html(
            '{}<a href="{}">{}</a>',
            format_html_join("", "{}<br>", labels),
            url,
            _("edit prizes"),
        )


@admin.register(Campaign)
class CampaignAdmin(CampaignOperationsMixin, admin.ModelAdmin):
    form = CampaignForm
    list_display = (
        "title",
        "slug",
        "phase",
        "starts",
        "ends",
        "valid_entries",
        "dashboard_link",
    )
    list_filter = ("status",)
    search_fields = ("title", "title_en", "slug", "hashtag")
    ordering = ("-starts_at",)
    readonly_fields = ("dashboard_link", "commitment", "pinned_beacon", "created_at")
    LOCKED = {"entropy_delay": "beacon_delay"}  # read-only after the start, shown in words

    def get_readonly_fields(self, request, obj=None):
        """Past `scheduled`, the status belongs to the close/draw/publish operations;
        from the start, the beacon's chain and delay are fixed (so is its round)."""
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.status not in HAND_SET_STATUSES:
            fields = (*fields, "status")
        if obj is not None and obj.has_started():
            fields = (*fields, "beacon_chain", *self.LOCKED.values())
        return fields

    def get_fieldsets(self, request, obj=None):
        """After the start the delay is shown in words, not as the form's 4 days, 11:24:49."""
        fieldsets = super().get_fieldsets(request, obj)
        if not (obj is not None and obj.has_started()):
            return fieldsets
        return [
            (name, {**opts, "fields": tuple(self.LOCKED.get(f, f) for f in opts["fields"])})
            for name, opts in fieldsets
        ]

    fieldsets = (
        (None, {"fields": ("title", "title_en", "slug", "status", "dashboard_link")}),
        (gettext_lazy("Texts"), {"fields": ("description", "description_en")}),
        (
            gettext_lazy("Window and tags"),
            {
                "fields": ("starts_at", "ends_at", "hashtag", "aliases"),
                "description": gettext_lazy(
                    "Times are Beijing time (UTC+8). Once the campaign has started, the "
                    "window, the tags and the entry rules can no longer change."
                ),
            },
        ),
        (
            gettext_lazy("Entry rules"),
            {"fields": ("min_chars", "min_distinct_chars", "exclude_staff")},
        ),
        (
            gettext_lazy("Ranking"),
            {
                "fields": (
                    "posts_cap",
                    "w_posts",
                    "w_like",
                    "w_comment",
                    "w_repost",
                    "interactor_cap",
                    "min_interactor_age_hours",
                )
            },
        ),
        (
            gettext_lazy("Draw"),
            {
                "fields": (*BEACON_FIELDS, "pinned_beacon", "commitment", "created_at"),
                "description": gettext_lazy(
                    "The draw's randomness is the drand round the rules pin: the first round "
                    "of the chosen chain at least the delay after the end. Both are fixed "
                    "once the campaign starts."
                ),
            },
        ),
    )
    inlines = [RewardTierInline]
    actions = ["recheck_entries", *CampaignOperationsMixin.operation_actions]

    def get_queryset(self, request):
        valid = Count("entries", filter=Q(entries__valid=True))
        return super().get_queryset(request).annotate(valid_count=valid)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)  # see has_delete_permission
        return actions

    def has_delete_permission(self, request, obj=None):
        """Only drafts may be deleted: anything else has entries, a published seed
        commitment and perhaps winners (set it back to draft first if it must go)."""
        if obj is not None and obj.status != Campaign.Status.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        """A rule change before the start re-judges the entries already made (posts
        with the tag from before the window), as the post hook would; it and a change
        of the scoring rules rebuild the live leaderboard rows after the commit."""
        with transaction.atomic():
            self._audit_beacon_attempt(request, obj, form)
            super().save_model(request, obj, form, change)
            pages_changed()  # the campaign's pages show its rules and texts
            rules_changed = any(name in form.changed_data for name in RULE_FIELDS)
            if change and rules_changed and obj.status == Campaign.Status.SCHEDULED:
                entries_recheck(campaigns=[obj])
            # Entries rechecked in bulk, or new weights, caps or age: every live row moves.
            scoring_changed = any(name in form.changed_data for name in SCORING_FIELDS)
            if change and (rules_changed or scoring_changed) and obj.status == obj.Status.SCHEDULED:
                leaderboard_rebuild_soon(campaign_id=obj.pk)

    def _audit_beacon_attempt(self, request, obj, form) -> None:
        """A posted chain or delay for a started campaign is ignored (read-only fields)
        but recorded: nobody tries to move the randomness unseen."""
        if not change_attempted(request.POST, form, obj):
            return
        audit_record(
            campaign=obj, actor=request.user, action="beacon_change_refused",
            inputs={name: request.POST.get(name, "") for name in BEACON_FIELDS},
            result={"chain": obj.beacon_chain, "round": obj.beacon_round},
        )  # fmt: skip
        self.message_user(
            request,
            _("The beacon and its round are fixed since the campaign started; not changed."),
            messages.WARNING,
        )

    # --- columns and read-only fields ---

    @admin.display(description=gettext_lazy("beacon delay after the end"))
    def beacon_delay(self, obj):
        return duration_words(obj.entropy_delay)

    @admin.display(description=gettext_lazy("pinned beacon round"))
    def pinned_beacon(self, obj):
        if obj.pk is None or obj.beacon_round is None:
            return _("pinned when the campaign is saved")
        return format_html(
            '{} — <a href="{}" rel="nofollow noopener">{}</a> ({})',
            obj.get_beacon_chain_display(),
            obj.beacon_urls[0],
            _("round %(round)s") % {"round": obj.beacon_round},
            beijing_text(obj.beacon_at, SECONDS),
        )

    @admin.display(description=gettext_lazy("phase"))
    def phase(self, obj):
        return phase_label(obj)

    @admin.display(description=gettext_lazy("starts"), ordering="starts_at")
    def starts(self, obj):
        return when(obj.starts_at, False)

    @admin.display(description=gettext_lazy("ends"), ordering="ends_at")
    def ends(self, obj):
        return when(obj.ends_at, False)

    @admin.display(description=gettext_lazy("valid entries"), ordering="valid_count")
    def valid_entries(self, obj):
        return getattr(obj, "valid_count", None)

    @admin.display(description=gettext_lazy("dashboard"))
    def dashboard_link(self, obj):
        if obj.pk is None:
            return _("available once the campaign is saved")
        url = reverse("admin:campaigns_campaign_dashboard", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("dashboard"))

    @admin.display(description=gettext_lazy("commitment: SHA-256 of the draw seed"))
    def commitment(self, obj):
        if obj.pk is None:
            return _("made when the campaign is saved")
        return format_html("<code>{}</code>", commitment(obj.seed))

    # --- actions ---

    @admin.action(
        description=gettext_lazy("Recheck all entries of the selected open campaigns"),
        permissions=["change"],
    )
    def recheck_entries(self, request, queryset):
        chosen = list(queryset)
        open_ = [c for c in chosen if c.status == Campaign.Status.SCHEDULED]
        frozen = [c for c in chosen if c.status != Campaign.Status.SCHEDULED]
        if open_:
            n = entries_recheck(campaigns=open_, actor=request.user)
            for campaign in open_:  # rechecked in bulk: no hook moved the live rows
                leaderboard_rebuild_soon(campaign_id=campaign.pk)
            message = ngettext(
                "%(n)d entry rechecked in %(campaigns)s.",
                "%(n)d entries rechecked in %(campaigns)s.",
                n,
            ) % {"n": n, "campaigns": ", ".join(c.title for c in open_)}
            self.message_user(request, message, messages.SUCCESS)
        if frozen:
            message = _("Not rechecked, as their entries are frozen (not open): %(c)s.") % {
                "c": ", ".join(c.title for c in frozen)
            }
            self.message_user(request, message, messages.WARNING)

    # --- the dashboard page ---

    def get_urls(self):
        dashboard = self.admin_site.admin_view(self.dashboard_view)
        verify = self.admin_site.admin_view(self.verify_view)
        return [
            path("<path:object_id>/dashboard/", dashboard, name="campaigns_campaign_dashboard"),
            path("<path:object_id>/verify/", verify, name="campaigns_campaign_verify"),
            *super().get_urls(),
        ]

    def _viewable(self, request, object_id) -> Campaign | None:
        """The campaign of an object page only viewers of campaigns may open (None if
        there is no such campaign)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        campaign = self.get_object(request, unquote(object_id))
        if campaign is not None and not self.has_view_permission(request, campaign):
            raise PermissionDenied
        return campaign

    def dashboard_view(self, request, object_id):
        campaign = self._viewable(request, object_id)
        if campaign is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        board = campaign_dashboard(campaign=campaign)
        query = f"?campaign__id__exact={campaign.pk}"
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": campaign,
            "title": _("Dashboard: %(campaign)s") % {"campaign": campaign.title},
            "board": board,
            "chart": chart_svg(board.days),
            "phase_label": phase_label(campaign, board.now),
            "entries_url": reverse("admin:campaigns_entry_changelist") + query,
            "has_change_permission": self.has_change_permission(request, campaign),
        }
        return TemplateResponse(request, "admin/campaigns/campaign/dashboard.html", context)

    # --- the verification page ---

    def verify_view(self, request, object_id):
        """The same checks as `manage.py campaign_verify`, for staff without a terminal."""
        campaign = self._viewable(request, object_id)
        if campaign is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        report, refusal = None, ""
        try:
            report = campaign_verify(campaign=campaign)
        except VerifyError as exc:
            refusal = str(exc)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": campaign,
            "title": _("Verify the draws: %(campaign)s") % {"campaign": campaign.title},
            "report": report,
            "refusal": refusal,
            "results_json": reverse("campaigns:results_json", args=[campaign.slug]),
        }
        return TemplateResponse(request, "admin/campaigns/campaign/verify.html", context)
