"""Square's models, one module per concern."""

from square.models.comment import Comment
from square.models.hashtag import Hashtag, PostHashtag
from square.models.interaction import Follow, Like
from square.models.notification import Notification
from square.models.post import Post, PostImage, PostRevision
from square.models.user import User

__all__ = [
    "Comment",
    "Follow",
    "Hashtag",
    "Like",
    "Notification",
    "Post",
    "PostHashtag",
    "PostImage",
    "PostRevision",
    "User",
]
