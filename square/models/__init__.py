"""Square's models, one module per concern."""

from square.models.cashtag import Cashtag, PostCashtag
from square.models.comment import Comment
from square.models.hashtag import Hashtag, PostHashtag
from square.models.integrity import (
    Appeal,
    DuplicateFlag,
    ModerationAction,
    PostBand,
    PostShingles,
    PostUnderReview,
    Report,
)
from square.models.interaction import Follow, Like
from square.models.notification import Notification
from square.models.post import Post, PostImage, PostRevision
from square.models.search import PostSearch
from square.models.user import User

__all__ = [
    "Appeal",
    "Cashtag",
    "Comment",
    "DuplicateFlag",
    "Follow",
    "Hashtag",
    "Like",
    "ModerationAction",
    "Notification",
    "Post",
    "PostBand",
    "PostCashtag",
    "PostHashtag",
    "PostImage",
    "PostRevision",
    "PostSearch",
    "PostShingles",
    "PostUnderReview",
    "Report",
    "User",
]
