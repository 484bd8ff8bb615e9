"""Test data in one place: users, posts and image bytes.

`PostFactory` writes rows directly (fast, no hashtags or counters); `ServicePostFactory`
goes through `post_create`, so hashtags, mentions, images and counters are all real.
"""

import io
import struct
import zlib
from datetime import timedelta

import factory
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import ExifTags, Image

from square.models import Comment, Post, User
from square.services.posts import post_create

PASSWORD = "correct-horse-battery-staple-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"member{n}")
    password = factory.django.Password(PASSWORD)


def moderator_user(username: str = "mod", extra_permissions=(), **extra) -> User:
    """A staff member with `square.moderate` (the moderation queue and decisions), and
    any `extra_permissions` of the square app (codenames)."""
    user = UserFactory(username=username, is_staff=True, **extra)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=("moderate", *extra_permissions), content_type__app_label="square"
        )
    )
    return user


class PostFactory(factory.django.DjangoModelFactory):
    """A bare post row: use it where hashtags, mentions and counters do not matter."""

    class Meta:
        model = Post

    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Post number {n}")


class ServicePostFactory(PostFactory):
    """A post published through `post_create`, exactly as a member would."""

    class Meta:
        model = Post

    @classmethod
    def _create(cls, model_class, *args, author, body, images=(), created_at=None, **kwargs):
        return post_create(author=author, body=body, images=images, created_at=created_at)


# --- image bytes ----------------------------------------------------------------------


def image_bytes(fmt="JPEG", size=(40, 20), color=(200, 30, 30), mode="RGB", **save_options):
    """An image of one colour, encoded in `fmt`."""
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, fmt, **save_options)
    return buffer.getvalue()


def noisy_jpeg(size=(200, 200)):
    """A JPEG with real entropy-coded data, so cutting it leaves a truncated scan."""
    buffer = io.BytesIO()
    Image.effect_noise(size, 80).convert("RGB").save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def noisy_png(size=(200, 200)):
    buffer = io.BytesIO()
    Image.effect_noise(size, 80).convert("RGB").save(buffer, "PNG")
    return buffer.getvalue()


def rotated_jpeg_with_gps(size=(40, 20)):
    """A JPEG stored sideways (EXIF orientation 6) with a GPS position and camera make.

    The left half is red and the right half blue, so once turned upright (90° clockwise)
    red is on top.
    """
    img = Image.new("RGB", size, (0, 0, 255))
    img.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "SpyCam"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (31.0, 14.0, 0.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (121.0, 28.0, 0.0)
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", exif=exif, quality=95)
    return buffer.getvalue()


def transparent_png(size=(20, 20)):
    """Left half opaque red, right half fully transparent."""
    img = Image.new("RGBA", size, (0, 0, 0, 0))
    img.paste((255, 0, 0, 255), (0, 0, size[0] // 2, size[1]))
    buffer = io.BytesIO()
    img.save(buffer, "PNG")
    return buffer.getvalue()


def animated_gif(frames=3, size=(30, 20), comment=None):
    colours = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0)]
    images = [Image.new("RGB", size, colours[i % len(colours)]) for i in range(frames)]
    options = {"save_all": True, "append_images": images[1:], "duration": 100, "loop": 0}
    if comment is not None:
        options["comment"] = comment
    buffer = io.BytesIO()
    images[0].save(buffer, "GIF", **options)
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_header_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` x `height` pixels (a decompression bomb)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" + b"\x00\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>alert(1)</script><rect width="10" height="10"/></svg>'
)


def upload(name="photo.jpg", data=None, content_type="image/jpeg"):
    """An uploaded file as a view or a service receives it."""
    return SimpleUploadedFile(name, image_bytes() if data is None else data, content_type)


# --- comments -------------------------------------------------------------------------


class CommentFactory(factory.django.DjangoModelFactory):
    """A bare comment row (no counters, no notices): `comment_create` for the real thing.

    Pass `parent=` for a reply; the post follows the parent's unless given.
    """

    class Meta:
        model = Comment

    author = factory.SubFactory(UserFactory)
    post = factory.LazyAttribute(lambda o: o.parent.post if o.parent else PostFactory())
    parent = None
    body = factory.Sequence(lambda n: f"Comment number {n}")


def hot_posts(n: int) -> list[Post]:
    """n posts of the last few hours with distinct reactions (distinct Hot scores)."""
    now = timezone.now()
    posts = []
    for i in range(n):
        post = PostFactory(created_at=now - timedelta(minutes=7 * i + 1))
        Post.objects.filter(pk=post.pk).update(like_count=(i * 37) % 23, comment_count=i % 4)
        posts.append(post)
    return posts
