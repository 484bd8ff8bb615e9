"""Square's models, one module per concern."""

from square.models.hashtag import Hashtag, PostHashtag
from square.models.post import Post, PostImage, PostRevision
from square.models.user import User

__all__ = ["Hashtag", "Post", "PostHashtag", "PostImage", "PostRevision", "User"]
