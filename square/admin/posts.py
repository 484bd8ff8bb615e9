"""Posts, their revisions, hashtags and comments in the admin. Hide and restore call the
same services as the site, so the two cannot disagree."""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from square.admin.summary import interactions_summary
from square.models import Comment, Hashtag, Post, PostImage, PostRevision
from square.permissions import may_moderate
from square.services.comments import comment_hide, comment_restore
from square.services.posts import post_hide, post_restore


def moderate_each(queryset, service, *, arg: str, staff) -> int:
    """Apply a hide/restore service to each selected row (as the site would, one
    transaction each); return how many changed status."""
    changed = 0
    for obj in queryset:
        before = obj.status
        changed += service(**{arg: obj}, staff=staff).status != before
    return changed


class PostImageInline(admin.TabularInline):
    model = PostImage
    extra = 0
    can_delete = False
    fields = ("position", "preview", "width", "height")
    readonly_fields = fields

    @admin.display(description=_("preview"))
    def preview(self, obj):
        return format_html('<img src="{}" alt="" height="80">', obj.thumbnail.url)

    def has_add_permission(self, request, obj=None):
        return False


class PostRevisionInline(admin.TabularInline):
    model = PostRevision
    extra = 0
    can_delete = False
    fields = ("written_at", "replaced_at", "body")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class RepostFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [("post", _("post")), ("repost", _("repost")), ("quote", _("quote"))]

    def queryset(self, request, queryset):
        if self.value() == "post":
            return queryset.filter(repost_of__isnull=True)
        if self.value() == "repost":
            return queryset.filter(repost_of__isnull=False, body="")
        if self.value() == "quote":
            return queryset.filter(repost_of__isnull=False).exclude(body="")
        return queryset


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "excerpt",
        "author",
        "status",
        "kind",
        "like_count",
        "comment_count",
        "repost_count",
        "created_at",
    )
    list_display_links = ("id", "excerpt")
    list_filter = ("status", RepostFilter, "created_at")
    date_hierarchy = "created_at"
    search_fields = ("body", "author__username", "author__display_name")
    list_select_related = ("author", "repost_of")
    readonly_fields = (
        "author",
        "body",
        "created_at",
        "edited_at",
        "status",
        "mentions",
        "repost_of",
        "interactions",
    )
    inlines = [PostImageInline, PostRevisionInline]
    actions = ["hide", "restore"]

    def has_add_permission(self, request):
        return False  # staff post on the site like everyone else

    def has_delete_permission(self, request, obj=None):
        return False  # hide instead: history must survive

    @admin.display(description=_("text"))
    def excerpt(self, obj):
        return Truncator(obj.body).chars(60)

    def has_moderate_permission(self, request):
        return may_moderate(request.user)

    @admin.display(description=_("kind"))
    def kind(self, obj):
        if obj.repost_of_id is None:
            return _("post")
        return _("quote") if obj.body else _("repost")

    @admin.display(description=_("interactions"))
    def interactions(self, obj):
        """Counts with links to the filtered lists, and the latest few of each."""
        return interactions_summary(obj)

    @admin.action(description=_("Hide selected posts"), permissions=["moderate"])
    def hide(self, request, queryset):
        n = moderate_each(queryset, post_hide, arg="post", staff=request.user)
        message = ngettext("%(n)d post hidden.", "%(n)d posts hidden.", n) % {"n": n}
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=_("Restore selected hidden posts"), permissions=["moderate"])
    def restore(self, request, queryset):
        n = moderate_each(queryset, post_restore, arg="post", staff=request.user)
        message = ngettext("%(n)d post restored.", "%(n)d posts restored.", n) % {"n": n}
        self.message_user(request, message, messages.SUCCESS)


@admin.register(Hashtag)
class HashtagAdmin(admin.ModelAdmin):
    list_display = ("display", "key", "post_count", "created_at")
    search_fields = ("key", "display")
    ordering = ("-post_count",)
    readonly_fields = ("key", "post_count", "created_at")

    def has_add_permission(self, request):
        return False  # tags come into being when someone posts with them


@admin.register(PostRevision)
class PostRevisionAdmin(admin.ModelAdmin):
    list_display = ("post", "excerpt", "written_at", "replaced_at")
    search_fields = ("body", "post__author__username")
    list_select_related = ("post",)
    readonly_fields = ("post", "body", "written_at", "replaced_at")

    @admin.display(description=_("text"))
    def excerpt(self, obj):
        return Truncator(obj.body).chars(60)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("id", "excerpt", "author", "post", "parent", "status", "created_at")
    list_display_links = ("id", "excerpt")
    list_filter = ("status", "created_at")
    date_hierarchy = "created_at"
    search_fields = ("body", "author__username", "author__display_name", "=post__id")
    list_select_related = ("author", "post", "parent")
    readonly_fields = ("author", "post", "parent", "reply_to", "body", "created_at", "status")
    actions = ["hide", "restore"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # hide instead: counters and threads follow the status

    def has_moderate_permission(self, request):
        return may_moderate(request.user)

    @admin.display(description=_("text"))
    def excerpt(self, obj):
        return Truncator(obj.body).chars(60)

    @admin.action(description=_("Hide selected comments"), permissions=["moderate"])
    def hide(self, request, queryset):
        n = moderate_each(queryset, comment_hide, arg="comment", staff=request.user)
        message = ngettext("%(n)d comment hidden.", "%(n)d comments hidden.", n) % {"n": n}
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=_("Restore selected hidden comments"), permissions=["moderate"])
    def restore(self, request, queryset):
        n = moderate_each(queryset, comment_restore, arg="comment", staff=request.user)
        message = ngettext("%(n)d comment restored.", "%(n)d comments restored.", n) % {"n": n}
        self.message_user(request, message, messages.SUCCESS)
