"""Staff tools for campaigns: a campaign with its reward tiers, each tier with its
prizes, the entries to browse (never to edit: the post hook keeps them), and a
dashboard per campaign. Actions call the same services as the site."""

import hashlib
import json
import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from campaigns.dashboard import REASON_LABELS, campaign_dashboard, reason_q
from campaigns.models import Campaign, Entry, Prize, RewardTier
from campaigns.services import entry_refresh
from square import text
from square.models import Post
from square.templatetags.square import when

PHASE_LABELS = {
    "draft": gettext_lazy("draft"),
    "scheduled": gettext_lazy("scheduled, not started"),
    "live": gettext_lazy("live"),
    "ended": gettext_lazy("ended, not closed"),
    "closed": gettext_lazy("closed"),
    "drawn": gettext_lazy("drawn"),
    "published": gettext_lazy("published"),
}
# Phases in which the rules may still change: nobody can have entered yet.
EDITABLE_PHASES = {"draft", "scheduled"}
# What decides whether an entry counts; frozen once the campaign has started.
ENTRY_RULE_FIELDS = ("min_chars", "min_distinct_chars", "exclude_staff")
RULE_FIELDS = ("starts_at", "ends_at", "hashtag", "aliases", *ENTRY_RULE_FIELDS)
TAG_SEPARATORS = re.compile(r"[\s,，、;；]+")


def commitment(seed: str) -> str:
    """The published commitment to the draw's seed: SHA-256 of its bytes, in hex."""
    return hashlib.sha256(bytes.fromhex(seed)).hexdigest()


def phase_label(campaign: Campaign, now=None) -> str:
    phase = campaign.phase(now)
    return str(PHASE_LABELS.get(phase, phase))


def clean_tag(value: str) -> str:
    """A tag as staff may type it (`#标签`, `＃标签`, `#tag#`, full-width letters) as the
    campaign stores it: NFKC, without `#`. Refused unless posts can carry it whole."""
    tag = text.nfkc(value).strip().strip("#").strip()
    if not text.is_valid_tag(tag):
        raise ValidationError(
            _(
                "“%(tag)s” is not a hashtag people can post: use letters, digits or _ "
                "only (no spaces or punctuation), not only digits, at most %(max)d long."
            ),
            code="invalid_tag",
            params={"tag": value, "max": text.MAX_TAG_LENGTH},
        )
    return tag


class TagListField(forms.CharField):
    """Other accepted tags, one per line (commas or spaces also separate them), with or
    without `#`; a JSON list of strings is accepted too. Cleans to a list of tags, each
    given once (by its normalised key)."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 40})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(v) for v in value)
        return value

    def to_python(self, value):
        raw = super().to_python(value)
        if isinstance(raw, list):
            items = raw
        elif raw.startswith("["):
            try:
                items = json.loads(raw)
            except ValueError:
                items = None
            if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                raise ValidationError(
                    _("Write one tag per line, or a JSON list of strings."), code="invalid"
                )
        else:
            items = TAG_SEPARATORS.split(raw)
        tags, errors = {}, []
        for item in items:
            if not item.strip():
                continue
            try:
                tag = clean_tag(item)
            except ValidationError as error:
                errors.extend(error.messages)
                continue
            tags.setdefault(text.tag_key(tag), tag)
        if errors:
            raise ValidationError(errors)
        return list(tags.values())

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != list(initial or [])
        except ValidationError:
            return True


class CampaignForm(forms.ModelForm):
    aliases = TagListField(
        label=gettext_lazy("other accepted tags"),
        required=False,
        help_text=gettext_lazy(
            "One per line (commas or spaces also separate them), with or without #. "
            "Posts with any of these count like the main hashtag."
        ),
    )

    class Meta:
        model = Campaign
        fields = (
            "title",
            "title_en",
            "slug",
            "status",
            "description",
            "description_en",
            "starts_at",
            "ends_at",
            "hashtag",
            "aliases",
            "min_chars",
            "min_distinct_chars",
            "exclude_staff",
            "posts_cap",
            "w_posts",
            "w_like",
            "w_comment",
            "w_repost",
            "interactor_cap",
            "min_interactor_age_hours",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = _("Beijing time (UTC+8).")
        for name in ("starts_at", "ends_at"):
            if name in self.fields:
                help_text = self.fields[name].help_text
                self.fields[name].help_text = f"{help_text} {zone}" if help_text else zone
        if "hashtag" in self.fields:
            self.fields["hashtag"].help_text = _("With or without #.")

    def clean_hashtag(self):
        return clean_tag(self.cleaned_data["hashtag"])

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The campaign must end after it starts."))
        if cleaned.get("hashtag") and "aliases" in cleaned:
            main = text.tag_key(cleaned["hashtag"])
            cleaned["aliases"] = [a for a in cleaned["aliases"] if text.tag_key(a) != main]
        self._refuse_rule_changes(cleaned)
        return cleaned

    def _refuse_rule_changes(self, cleaned) -> None:
        """Once a campaign has started, people have entered under its window, tags and
        entry rules: changing them would change who wins, so the form refuses."""
        original = self.instance  # still as stored: the form's values are applied later
        if original.pk is None or original.phase() in EDITABLE_PHASES:
            return
        changed = []
        for name in ("starts_at", "ends_at"):
            new, old = cleaned.get(name), getattr(original, name)
            if new is None:
                continue
            if new.replace(microsecond=0) == old.replace(microsecond=0):
                cleaned[name] = old  # the form shows whole seconds: keep what is stored
            else:
                changed.append(name)
        if cleaned.get("hashtag") and text.tag_key(cleaned["hashtag"]) != text.tag_key(
            original.hashtag.lstrip("#＃")
        ):
            changed.append("hashtag")
        if "aliases" in cleaned:
            new_keys = {text.tag_key(a) for a in cleaned["aliases"]}
            old_keys = {text.tag_key(a.lstrip("#＃")) for a in original.aliases or []}
            old_keys.discard(text.tag_key(original.hashtag.lstrip("#＃")))
            if new_keys != old_keys:
                changed.append("aliases")
        changed += [
            name
            for name in ENTRY_RULE_FIELDS
            if name in cleaned and cleaned[name] != getattr(original, name)
        ]
        message = _(
            "This campaign has started (%(phase)s): its window, tags and entry rules can "
            "no longer change, as people have entered under them."
        ) % {"phase": phase_label(original)}
        for name in changed:
            self.add_error(name, message)


def narrow(size: int) -> forms.TextInput:
    """A short text box for tabular inlines (the admin's default is 20em wide)."""
    return forms.TextInput(attrs={"size": size})


class TierForm(forms.ModelForm):
    class Meta:
        model = RewardTier
        fields = ("order", "slug", "name", "kind", "winners")
        widgets = {"slug": narrow(12), "name": narrow(22)}


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


def recheck(campaigns) -> int:
    """Re-judge every entry of these campaigns with `entry_refresh`, the service the
    post hook uses, one post at a time; returns how many entries there were."""
    entries = Entry.objects.filter(campaign__in=campaigns)
    count = entries.count()
    posts = Post.objects.filter(pk__in=entries.values("post_id")).order_by("pk")
    for post in posts.iterator(chunk_size=200):
        entry_refresh(post=post)
    return count


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
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
    readonly_fields = ("dashboard_link", "commitment", "created_at")
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
        (gettext_lazy("Draw"), {"fields": ("commitment", "created_at")}),
    )
    inlines = [RewardTierInline]
    actions = ["recheck_entries"]

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
        with the tag from before the window), as the post hook would."""
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            rules_changed = any(name in form.changed_data for name in RULE_FIELDS)
            if change and rules_changed and obj.status == Campaign.Status.SCHEDULED:
                recheck([obj])

    # --- columns and read-only fields ---

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
            n = recheck(open_)
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
        return [
            path("<path:object_id>/dashboard/", dashboard, name="campaigns_campaign_dashboard"),
            *super().get_urls(),
        ]

    def dashboard_view(self, request, object_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        campaign = self.get_object(request, unquote(object_id))
        if campaign is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, campaign):
            raise PermissionDenied
        board = campaign_dashboard(campaign)
        query = f"?campaign__id__exact={campaign.pk}"
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": campaign,
            "title": _("Dashboard: %(campaign)s") % {"campaign": campaign.title},
            "board": board,
            "phase_label": phase_label(campaign, board.now),
            "entries_url": reverse("admin:campaigns_entry_changelist") + query,
            "has_change_permission": self.has_change_permission(request, campaign),
        }
        return TemplateResponse(request, "admin/campaigns/campaign/dashboard.html", context)


class PrizeForm(forms.ModelForm):
    class Meta:
        model = Prize
        fields = (
            "slug",
            "kind",
            "label",
            "label_en",
            "amount",
            "currency",
            "quantity",
            "duration_days",
        )
        widgets = {
            "slug": narrow(10),
            "label": narrow(22),
            "label_en": narrow(22),
            "currency": narrow(6),
        }

    def clean_currency(self):
        return self.cleaned_data["currency"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Prize.Kind.VOUCHER:
            amount = cleaned.get("amount")
            if amount is None or amount <= 0:
                self.add_error("amount", _("A voucher needs an amount above zero."))
            if not cleaned.get("currency"):
                self.add_error("currency", _("A voucher needs a currency, such as USDT."))
        return cleaned


class PrizeInline(admin.TabularInline):
    model = Prize
    form = PrizeForm
    extra = 0
    fields = PrizeForm.Meta.fields


@admin.register(RewardTier)
class RewardTierAdmin(admin.ModelAdmin):
    """Where a tier's prizes are edited (linked from each tier on the campaign page)."""

    list_display = ("name", "campaign", "kind", "winners", "order", "prize_count")
    list_filter = ("campaign", "kind")
    list_select_related = ("campaign",)
    search_fields = ("name", "name_en", "slug", "campaign__title")
    fields = ("campaign", "slug", "name", "name_en", "kind", "winners", "order")
    inlines = [PrizeInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_prizes=Count("prizes"))

    def get_readonly_fields(self, request, obj=None):
        return ("campaign",) if obj is not None else ()  # shown as a link back

    @admin.display(description=gettext_lazy("prizes"), ordering="n_prizes")
    def prize_count(self, obj):
        return getattr(obj, "n_prizes", None)


class ReasonFilter(admin.SimpleListFilter):
    """Entries refused for a given reason (a code in their JSON list of reasons)."""

    title = gettext_lazy("reason")
    parameter_name = "reason"

    def lookups(self, request, model_admin):
        return list(REASON_LABELS.items())

    def queryset(self, request, queryset):
        if self.value() in REASON_LABELS:
            return queryset.filter(reason_q(self.value()))
        return queryset


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    """Entries are kept by the post hook and the recheck action; staff only read them."""

    list_display = (
        "post_link",
        "author",
        "campaign",
        "valid",
        "reasons_list",
        "counted_chars",
        "is_newcomer",
        "posted",
    )
    list_filter = ("campaign", "valid", ReasonFilter, "is_newcomer")
    search_fields = ("author__username", "post__body")
    list_select_related = ("post", "author", "campaign")
    ordering = ("-posted_at",)
    fields = (
        "campaign",
        "post_link",
        "author",
        "posted",
        "valid",
        "reasons_list",
        "counted_chars",
        "distinct_chars",
        "is_newcomer",
        "judged_at",
    )
    readonly_fields = ("post_link", "posted", "reasons_list")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("post"), ordering="post")
    def post_link(self, obj):
        url = reverse("admin:square_post_change", args=[obj.post_id])
        label = Truncator(obj.post.body).chars(40) or f"#{obj.post_id}"
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description=gettext_lazy("reasons"))
    def reasons_list(self, obj):
        return "; ".join(str(REASON_LABELS.get(c, c)) for c in obj.reasons or []) or "—"

    @admin.display(description=gettext_lazy("posted at"), ordering="posted_at")
    def posted(self, obj):
        return when(obj.posted_at, False)
