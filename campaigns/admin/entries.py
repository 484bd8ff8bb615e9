"""Reward tiers with their prizes, and the read-only list of entries."""

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy

from campaigns.admin.forms import PrizeForm
from campaigns.models import Entry, Prize, RewardTier
from campaigns.models.entry import reason_q
from campaigns.rules import Reason
from square.project.read_only_admin import ReadOnlyAdmin
from square.templatetags.square import when


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
        return Reason.choices

    def queryset(self, request, queryset):
        if self.value() in Reason.values:
            return queryset.filter(reason_q(self.value()))
        return queryset


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
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

    @admin.display(description=gettext_lazy("post"), ordering="post")
    def post_link(self, obj):
        url = reverse("admin:square_post_change", args=[obj.post_id])
        label = Truncator(obj.post.body).chars(40) or f"#{obj.post_id}"
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description=gettext_lazy("reasons"))
    def reasons_list(self, obj):
        labels = (str(Reason(c).label) if c in Reason.values else c for c in obj.reasons or [])
        return "; ".join(labels) or "—"

    @admin.display(description=gettext_lazy("posted at"), ordering="posted_at")
    def posted(self, obj):
        return when(obj.posted_at, False)
