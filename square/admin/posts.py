"""Posts, their revisions, hashtags and comments in the admin. Hide and restore call the
same services as the site, so the two cannot disagree."""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

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


def moderation_action(service, *, arg: str, description, done):
    """An admin action applying `service` (hide or restore) to the selected rows and
    saying how many changed (`done`: an ngettext_lazy counting "n")."""

    @admin.action(description=description, permissions=["moderate"])
    def action(model_admin, request, queryset):
        n = moderate_each(queryset, service, arg=arg, staff=request.user)
        model_admin.message_user(request, done % {"n": n}, messages.SUCCESS)

    return action


class ModeratedAdmin(admin.ModelAdmin):
    """Posts and comments: hidden and restored by moderators, never deleted."""

    def has_moderate_permission(self, request):
        return may_moderate(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # hide instead: history, counters and threads follow the status


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
class PostAdmin(ModeratedAdmin):
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

    @admin.display(description=_("text"))
    def excerpt(self, obj):
        return Truncator(obj.body).chars(60)

    @admin.display(description=_("kind"))
    def kind(self, obj):
        if obj.repost_of_id is None:
            return _("post")
        return _("quote") if obj.body else _("repost")

    @admin.display(description=_("interactions"))
    def interactions(self, obj):
        """Counts with links to the filtered lists, and the latest few of each."""
        return interactions_summary(obj)

    hide = moderation_action(
        post_hide,
        arg="post",
        description=_("Hide selected posts"),
        done=ngettext_lazy("%(n)d post hidden.", "%(n)d posts hidden.", "n"),
    )
    restore = moderation_action(
        post_restore,
        arg="post",
        description=_("Restore selected hidden posts"),
        done=ngettext_lazy("%(n)d post restored.", "%(n)d posts restored.", "n"),
    )


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
class CommentAdmin(ModeratedAdmin):
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

    @admin.display(description=_("text"))
    def excerpt(self, obj):
        return Truncator(obj.body).chars(60)

    hide = moderation_action(
        comment_hide,
        arg="comment",
        description=_("Hide selected comments"),
        done=ngettext_lazy("%(n)d comment hidden.", "%(n)d comments hidden.", "n"),
    )
    restore = moderation_action(
        comment_restore,
        arg="comment",
        description=_("Restore selected hidden comments"),
        done=ngettext_lazy("%(n)d comment restored.", "%(n)d comments restored.", "n"),
    )
