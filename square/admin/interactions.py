"""Likes, follows and notifications in the admin: browsed, never forged or removed."""

from django.contrib import admin

from square.models import Follow, Like, Notification
from square.project.read_only_admin import ReadOnlyAdmin


@admin.register(Like)
class LikeAdmin(ReadOnlyAdmin):
    list_display = ("user", "post", "created_at")
    search_fields = ("user__username", "post__body")
    list_filter = ("created_at",)
    list_select_related = ("user", "post")


@admin.register(Follow)
class FollowAdmin(ReadOnlyAdmin):
    list_display = ("follower", "followee", "created_at")
    search_fields = ("follower__username", "followee__username")
    list_filter = ("created_at",)
    list_select_related = ("follower", "followee")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("recipient", "kind", "actor", "post", "created_at", "read_at")
    list_filter = ("kind", "created_at")
    search_fields = ("recipient__username", "actor__username")
    list_select_related = ("recipient", "actor", "post")
