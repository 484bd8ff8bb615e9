"""Pillow: check an uploaded image, re-encode it without metadata, make a thumbnail.

Nothing the uploader sent is stored as-is: the file is decoded, turned upright by its
EXIF orientation and written anew, so EXIF (GPS included), ICC-embedded payloads and
polyglot tails are gone. A failure raises `ImageRejected` with a message for the user.
"""

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, ImageSequence, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
THUMB_BOX = (720, 720)
AVATAR_SIZE = 256
MAX_GIF_FRAMES = 300
GIF_TIMING = {"duration", "loop", "transparency", "disposal", "background"}
SRGB = ImageCms.createProfile("sRGB")


class ImageRejected(ValueError):
    """The upload is not an image we accept; the message is shown to the user."""


@dataclass(frozen=True)
class ProcessedImage:
    image: ContentFile
    thumbnail: ContentFile
    width: int
    height: int


def _open_checked(upload) -> Image.Image:
    """Open and fully decode the upload, refusing what is not a sound, allowed image."""
    max_bytes = settings.SQUARE_IMAGE_MAX_BYTES
    max_pixels = settings.SQUARE_IMAGE_MAX_PIXELS
    name = getattr(upload, "name", "") or _("the file")
    if upload.size > max_bytes:
        raise ImageRejected(
            _("%(name)s is larger than %(size)s.")
            % {"name": name, "size": f"{max_bytes / 2**20:.3g} MB"}
        )
    data = upload.read()
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            if img.format not in ALLOWED_FORMATS:
                raise ImageRejected(
                    _("%(name)s is not a JPEG, PNG, WebP or GIF image.") % {"name": name}
                )
            width, height = img.size
            if width * height > max_pixels:
                raise ImageRejected(
                    _("%(name)s has more than %(mp)s megapixels.")
                    % {"name": name, "mp": f"{max_pixels / 1_000_000:g}"}
                )
            frames = getattr(img, "n_frames", 1)
            if frames > MAX_GIF_FRAMES or frames * width * height > max_pixels:
                raise ImageRejected(_("%(name)s has too many frames.") % {"name": name})
            img.verify()
            img = Image.open(io.BytesIO(data))  # verify() leaves the image unusable
            img.load()
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(_("%(name)s is too large once decoded.") % {"name": name}) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise ImageRejected(
            _("%(name)s is not a readable image (damaged, truncated or another kind of file).")
            % {"name": name}
        ) from None
    return img


def _encode(img: Image.Image, fmt: str, **options) -> bytes:
    """Save with no metadata: Pillow would otherwise carry comments and profiles over."""
    img.info = {k: v for k, v in img.info.items() if k in GIF_TIMING}
    out = io.BytesIO()
    img.save(out, fmt, **options)
    return out.getvalue()


def _to_srgb(img: Image.Image) -> Image.Image:
    """Convert by the embedded colour profile, so dropping the profile keeps the colours."""
    icc = img.info.get("icc_profile")
    if not icc or img.mode not in ("RGB", "RGBA", "CMYK"):
        return img
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        mode = "RGBA" if img.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(img, source, SRGB, outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return img


def _animated_gif(img: Image.Image) -> bytes:
    """Re-encode every frame, keeping only the timing of the animation."""
    frames = [frame.copy() for frame in ImageSequence.Iterator(img)]
    for frame in frames:
        frame.info = {k: v for k, v in frame.info.items() if k in GIF_TIMING}
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], optimize=False)
    return out.getvalue()


def _flatten(img: Image.Image) -> Image.Image:
    """RGB on white, for formats without transparency."""
    if img.mode in ("RGBA", "LA", "P", "PA"):
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return img.convert("RGB")


def _reencode(img: Image.Image, fmt: str) -> tuple[bytes, str]:
    """Write the image anew in its own format, with no metadata carried over."""
    if fmt == "GIF" and getattr(img, "is_animated", False):
        return _animated_gif(img), "gif"
    upright = _to_srgb(ImageOps.exif_transpose(img))
    if fmt == "JPEG":
        return _encode(_flatten(upright), "JPEG", quality=88, optimize=True), "jpg"
    if fmt == "WEBP":
        return _encode(upright.convert("RGBA"), "WEBP", quality=88), "webp"
    if fmt == "GIF":
        return _encode(upright, "GIF"), "gif"
    mode = "RGBA" if upright.mode in ("RGBA", "LA", "PA", "P") else "RGB"
    return _encode(upright.convert(mode), "PNG", optimize=True), "png"


def _thumbnail(upright: Image.Image) -> ContentFile:
    """The feed-sized JPEG of an upright, sRGB image."""
    thumb = upright.copy()
    thumb.thumbnail(THUMB_BOX)
    thumb_data = _encode(_flatten(thumb), "JPEG", quality=82, optimize=True)
    return ContentFile(thumb_data, name="thumb.jpg")


def process_post_image(upload) -> ProcessedImage:
    """Check and re-encode one post image; raise ImageRejected with a readable reason."""
    img = _open_checked(upload)
    data, ext = _reencode(img, img.format)
    upright = _to_srgb(ImageOps.exif_transpose(img))
    return ProcessedImage(
        image=ContentFile(data, name=f"image.{ext}"),
        thumbnail=_thumbnail(upright),
        width=upright.width,
        height=upright.height,
    )


def thumbnail_of_stored(data: bytes) -> ContentFile:
    """A new thumbnail from an image as stored (already checked, upright and sRGB), for
    regenerating thumbnails after THUMB_BOX changes or a thumbnail file was lost."""
    with Image.open(io.BytesIO(data)) as img:
        img.load()
        return _thumbnail(img)


def process_avatar(upload) -> ContentFile:
    """A square, centred, metadata-free avatar."""
    img = _to_srgb(ImageOps.exif_transpose(_open_checked(upload)))
    avatar = ImageOps.fit(_flatten(img), (AVATAR_SIZE, AVATAR_SIZE))
    return ContentFile(_encode(avatar, "JPEG", quality=85), name="avatar.jpg")
