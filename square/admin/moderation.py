"""The moderation queue in the admin, the integrity records, and bans.

Posts with open duplicate flags, reports or appeals are listed together (most-reported
first, then newest); each opens a case page with the two texts side by side, the shared
passages highlighted, and four decisions that call `moderation_decide`. Only active
staff with `square.moderate` see any of it (superusers have every permission); the
services check the permission again and record who decided, when and why.

No inline style or script (the site's CSP forbids them): the case page's few rules are
in `static/css/moderation.css`. Ban and unban actions for the user list: `square.admin.bans`.
"""

from collections import Counter

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from square import similarity
from square.ids import parse_id
from square.models import Appeal, DuplicateFlag, ModerationAction, Post, PostUnderReview, Report
from square.permissions import may_moderate
from square.project.beijing_time import beijing_text
from square.project.read_only_admin import ReadOnlyMixin
from square.project.refusals import refusal_text
from square.selectors.integrity import moderation_case, moderation_queue, open_flags
from square.services.moderation import moderation_decide

Action = ModerationAction.Action
DECISIONS = [  # (action, button label), in the order of the buttons
    (Action.CONFIRM, gettext_lazy("Confirm plagiarism")),
    (Action.CLEAR, gettext_lazy("Clear")),
    (Action.HIDE, gettext_lazy("Hide the post (violation)")),
    (Action.BAN, gettext_lazy("Ban the author")),
]
BREAK = mark_safe("<br>")  # a literal tag, no user text
FLAG_KINDS = {"copy": DuplicateFlag.Kind.COPY_OF_OTHER, "spin": DuplicateFlag.Kind.SUSPECTED_SPIN}


def percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def case_url(post_id: int) -> str:
    return reverse("admin:square_postunderreview_change", args=[post_id])


def case_link(post: Post | None):
    if post is None:
        return "—"
    text = Truncator(post.body).chars(50) or _("(plain repost)")
    return format_html('<a href="{}">#{} {}</a>', case_url(post.pk), post.pk, text)


def highlighted(text: str, other_shingles: set[str]):
    """`text`, escaped, with the passages it shares with the other text in <mark>."""
    parts, pos = [], 0
    for start, end in similarity.shared_spans(text, other_shingles):
        parts += [escape(text[pos:start]), format_html("<mark>{}</mark>", text[start:end])]
        pos = end
    parts.append(escape(text[pos:]))
    return format_html_join("", "{}", ((part,) for part in parts))


def comparison(post: Post, source: Post) -> dict:
    """The two texts with their shared passages marked, and how much they share now."""
    mine, theirs = similarity.shingles(post.body), similarity.shingles(source.body)
    return {
        "source": source,
        "post_html": highlighted(post.body, theirs),
        "source_html": highlighted(source.body, mine),
        "jaccard": percent(similarity.jaccard(mine, theirs)),
        "containment": percent(similarity.containment(mine, theirs)),
    }


def case_sources(case: dict) -> list[Post]:
    """Earlier posts this one may copy: flag sources (pending first, strongest first),
    then the originals named in reports."""

    def strength(flag):
        return flag.status != DuplicateFlag.Status.PENDING, -max(flag.similarity, flag.containment)

    found = {flag.source_id: flag.source for flag in sorted(case["flags"], key=strength)}
    for report in case["reports"]:
        if report.original_id:
            found.setdefault(report.original_id, report.original)
    return list(found.values())


def flag_line(flag: DuplicateFlag) -> str:
    return _("%(kind)s: %(jaccard)s similar, %(containment)s contained (source #%(source)s)") % {
        "kind": flag.get_kind_display(),
        "jaccard": percent(flag.similarity),
        "containment": percent(flag.containment),
        "source": flag.source_id,
    }


def reports_line(reports: list[Report]) -> str:
    counts = Counter(report.get_reason_display() for report in reports)
    reasons = ", ".join(f"{label} ×{n}" for label, n in counts.most_common())
    n = len(reports)
    return ngettext("%(n)d open report", "%(n)d open reports", n) % {"n": n} + f": {reasons}"


class OpenItemsFilter(admin.SimpleListFilter):
    title = gettext_lazy("what is open")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [
            ("flag", _("duplicate flag")),
            ("copy", _("copy of someone else's post")),
            ("spin", _("suspected rewording")),
            ("reports", _("reports")),
            ("appeal", _("appeal")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value in FLAG_KINDS:
            flagged = open_flags().filter(post=OuterRef("pk"), kind=FLAG_KINDS[value])
            return queryset.filter(Exists(flagged))
        simple = {"flag": {"has_flag": True}, "reports": {"open_reports__gt": 0},
                  "appeal": {"has_appeal": True}}  # fmt: skip
        return queryset.filter(**simple[value]) if value in simple else queryset


class ModeratorsOnly(ReadOnlyMixin):
    """Mixin: the integrity admins are for active staff with `square.moderate`, and are
    read-only — decisions go through the queue's case page and the services."""

    def has_module_permission(self, request):
        return may_moderate(request.user)

    def has_view_permission(self, request, obj=None):
        return may_moderate(request.user)


@admin.register(PostUnderReview)
class ModerationQueueAdmin(ModeratorsOnly, admin.ModelAdmin):
    list_display = ("excerpt", "author_name", "open_items", "when")
    list_display_links = ("excerpt",)
    list_filter = (OpenItemsFilter,)
    search_fields = ("body", "author__username", "author__display_name")
    actions = None
    list_per_page = 50

    def has_change_permission(self, request, obj=None):
        return may_moderate(request.user)  # the case page and its decisions

    def get_queryset(self, request):
        open_reports = Report.objects.filter(status=Report.Status.OPEN)
        return moderation_queue().prefetch_related(
            Prefetch("duplicate_flags", queryset=open_flags(), to_attr="open_flag_list"),
            Prefetch("reports", queryset=open_reports, to_attr="open_report_list"),
        )

    def get_ordering(self, request):
        return ["-open_reports", "-created_at", "-id"]

    @admin.display(description=gettext_lazy("post"))
    def excerpt(self, obj):
        return Truncator(obj.body).chars(80) or _("(plain repost)")

    @admin.display(description=gettext_lazy("author"), ordering="author__username")
    def author_name(self, obj):
        if obj.author.banned_at:
            return format_html("{} ({})", obj.author.username, _("banned"))
        return obj.author.username

    @admin.display(description=gettext_lazy("what is open"), ordering="open_reports")
    def open_items(self, obj):
        lines = [flag_line(flag) for flag in obj.open_flag_list]
        if obj.open_report_list:
            lines.append(reports_line(obj.open_report_list))
        if obj.has_appeal:
            lines.append(_("appeal from the author"))
        return format_html_join(BREAK, "{}", ((line,) for line in lines))

    @admin.display(description=gettext_lazy("when"), ordering="created_at")
    def when(self, obj):
        if obj.last_report_at is None:
            return beijing_text(obj.created_at)
        last = _("last report %(when)s") % {"when": beijing_text(obj.last_report_at)}
        return format_html("{}<br>{}", beijing_text(obj.created_at), last)

    def changelist_view(self, request, extra_context=None):
        title = {"title": _("Moderation queue: most-reported first, then newest")}
        return super().changelist_view(request, {**title, **(extra_context or {})})

    # --- the case page replaces the change page ---

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        post = self._case_post(object_id)
        if post is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        reason = ""
        if request.method == "POST":
            reason = request.POST.get("reason", "")
            response = self._decide(request, post, request.POST.get("action", ""), reason)
            if response is not None:
                return response
            post = self._case_post(object_id)
        context = self._case_context(request, post, reason)
        return TemplateResponse(request, "admin/square/moderation_case.html", context)

    def _case_post(self, object_id):
        """Any post may be opened (decided ones too, from the decision log)."""
        pk = parse_id(unquote(object_id))
        posts = PostUnderReview.objects.select_related("author")
        return posts.filter(pk=pk).first() if pk is not None else None

    def _decide(self, request, post, action, reason):
        """Call the service; a redirect to the queue on success, None to show the page
        again with the error as a message."""
        if not may_moderate(request.user):
            raise PermissionDenied
        if action == Action.BAN and post.author.banned_at is not None:
            self.message_user(request, _("The author is already banned."), messages.ERROR)
            return None
        try:
            moderation_decide(post=post, actor=request.user, action=action, reason=reason)
        except (ValidationError, PermissionDenied) as error:
            refusal = refusal_text(error, fallback=_("You may not moderate posts."))
            self.message_user(request, refusal, messages.ERROR)
            return None
        message = _("Decision recorded for post #%(id)s: %(action)s.")
        message %= {"id": post.pk, "action": Action(action).label}
        self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:square_postunderreview_changelist"))

    def _case_context(self, request, post, reason):
        case = moderation_case(post=post)
        sources = case_sources(case)
        chosen = request.GET.get("source", "")
        source = next((s for s in sources if str(s.pk) == chosen), sources[0] if sources else None)
        for flag in case["flags"]:
            flag.jaccard_pct = percent(flag.similarity)
            flag.containment_pct = percent(flag.containment)
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Case: post #%(id)s") % {"id": post.pk},
            "post": post,
            "case": case,
            "compare": comparison(post, source) if source else None,
            "decisions": DECISIONS,
            "can_decide": may_moderate(request.user),
            "reason": reason,
        }


class RecordAdmin(ModeratorsOnly, admin.ModelAdmin):
    """A read-only list of integrity records, each linking to its post's case page."""

    @admin.display(description=gettext_lazy("post (case)"))
    def case(self, obj):
        return case_link(obj.post)

    @admin.display(description=gettext_lazy("at"), ordering="created_at")
    def at(self, obj):
        return beijing_text(obj.created_at)


@admin.register(DuplicateFlag)
class DuplicateFlagAdmin(RecordAdmin):
    list_display = ("case", "kind", "source_link", "jaccard", "contained", "status", "at")
    list_display_links = ("kind",)  # "case" is a link of its own
    list_filter = ("kind", "status", "created_at")
    search_fields = ("post__body", "post__author__username", "source__author__username")
    list_select_related = ("post", "source")

    @admin.display(description=gettext_lazy("source"))
    def source_link(self, obj):
        return format_html('<a href="{}">#{}</a>', obj.source.get_absolute_url(), obj.source_id)

    @admin.display(description=gettext_lazy("similarity (Jaccard)"), ordering="similarity")
    def jaccard(self, obj):
        return percent(obj.similarity)

    @admin.display(description=gettext_lazy("containment"), ordering="containment")
    def contained(self, obj):
        return percent(obj.containment)


@admin.register(Report)
class ReportAdmin(RecordAdmin):
    list_display = ("case", "reporter", "reason", "original", "short_note", "status", "at")
    list_display_links = ("reason",)
    list_filter = ("reason", "status", "created_at")
    search_fields = ("post__body", "reporter__username", "note")
    list_select_related = ("post", "reporter", "original")

    @admin.display(description=gettext_lazy("note"))
    def short_note(self, obj):
        return Truncator(obj.note).chars(60)


@admin.register(Appeal)
class AppealAdmin(RecordAdmin):
    list_display = ("case", "author", "short_text", "status", "at")
    list_display_links = ("short_text",)
    list_filter = ("status", "created_at")
    search_fields = ("post__body", "author__username", "text")
    list_select_related = ("post", "author")

    @admin.display(description=gettext_lazy("appeal"))
    def short_text(self, obj):
        return Truncator(obj.text).chars(60)


@admin.register(ModerationAction)
class ModerationActionAdmin(RecordAdmin):
    list_display = ("at", "actor", "action", "case", "user", "reason")
    list_filter = ("action", ("actor", admin.RelatedOnlyFieldListFilter), "created_at")
    search_fields = ("reason", "actor__username", "user__username", "post__body")
    list_select_related = ("actor", "post", "user")
