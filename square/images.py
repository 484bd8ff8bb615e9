"""Pillow: check an uploaded image, re-encode it without metadata, make a thumbnail.

Nothing the uploader sent is stored as-is: the file is decoded, turned upright by its
EXIF orientation and written anew, so EXIF (GPS included), ICC-embedded payloads and
polyglot tails are gone. A failure raises `ImageRejected` with a message for the user.

Decoding costs CPU by the pixel, so each upload is first judged by its size and header
alone (`image_check`): too many pixels or frames, or a post whose images together would
decode to more than SQUARE_IMAGE_PIXELS_PER_POST, are refused before a pixel is decoded;
JPEGs then decode at a fraction of their size where the result allows (docs/security.md,
"Image limits").
"""

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import GifImagePlugin, Image, ImageCms, ImageOps, ImageSequence, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
THUMB_BOX = (720, 720)
AVATAR_SIZE = 256
MAX_GIF_FRAMES = 300
GIF_TIMING = {"duration", "loop", "transparency", "disposal", "background"}
SRGB = ImageCms.createProfile("sRGB")


class ImageRejected(ValueError):
    """The upload is not an image we accept; the message is shown to the user."""

    @property
    def messages(self) -> list[str]:
        return [str(message) for message in self.args]


@dataclass(frozen=True)
class ProcessedImage:
    image: ContentFile
    thumbnail: ContentFile
    width: int
    height: int


@dataclass(frozen=True)
class Checked:
    """An upload whose header passed the checks, opened but not decoded yet."""

    data: bytes
    name: str
    format: str
    pixels: int  # what decoding it will produce: after the JPEG draft, every frame


def _read(upload, name: str) -> bytes:
    max_bytes = settings.SQUARE_IMAGE_MAX_BYTES
    if upload.size > max_bytes:
        raise ImageRejected(
            _("%(name)s is larger than %(size)s.")
            % {"name": name, "size": f"{max_bytes / 2**20:.3g} MB"}
        )
    data = upload.read()
    upload.seek(0)
    return data


def _frames_within(img: Image.Image, limit: int) -> int:
    """The number of frames, but never more than `limit` + 1, read from headers only.
    APNG (acTL) and WebP state their count; a GIF does not, and Pillow's `n_frames` reads
    every frame header of the file (a 9 MB GIF holds 400,000), so those are counted here
    up to the limit, with the header-only `_seek` that `n_frames` itself uses."""
    if not getattr(img, "is_animated", False):
        return 1
    if not isinstance(img, GifImagePlugin.GifImageFile):
        return min(img.n_frames, limit + 1)
    try:
        for index in range(1, limit + 1):
            img._seek(index, update_image=False)  # seek() would decode every frame
    except EOFError:
        return index
    finally:
        img.seek(0)
    return limit + 1


def _draft(img: Image.Image, side: int, cover: bool) -> None:
    """Let a JPEG decode at 1/2, 1/4 or 1/8 of its size (cheaply, in the decoder) while
    it still covers `side` pixels on the short side, for a square crop (`cover`), or
    95% of `side` on the long side: a 4032x3024 phone photo decodes at 2016x1512, a
    quarter of the work, and is stored 2016 wide instead of 2048. Others decode whole."""
    if img.format != "JPEG":
        return
    width, height = img.size
    ratio = min(width, height) / side if cover else max(width, height) / (side * 0.95)
    scale = next((s for s in (8, 4, 2) if ratio >= s), 1)
    if scale > 1:
        img.draft(None, (width // scale, height // scale))


def _header_check(img: Image.Image, name: str, max_pixels: int) -> int:
    """Refuse by what the header says, before any pixel is decoded; the frame count."""
    if img.format not in ALLOWED_FORMATS:
        raise ImageRejected(_("%(name)s is not a JPEG, PNG, WebP or GIF image.") % {"name": name})
    width, height = img.size
    if width * height > max_pixels:
        raise ImageRejected(
            _("%(name)s has more than %(mp)s megapixels.")
            % {"name": name, "mp": f"{max_pixels / 1_000_000:g}"}
        )
    frames = _frames_within(img, min(MAX_GIF_FRAMES, max_pixels // max(width * height, 1)))
    if frames > MAX_GIF_FRAMES or frames * width * height > max_pixels:
        raise ImageRejected(_("%(name)s has too many frames.") % {"name": name})
    return frames


def image_check(upload, *, side: int, cover: bool = False) -> Checked:
    """Check an upload by its size and header only (nothing decoded yet); the `Checked`
    upload knows how many pixels decoding it will cost, once drafted to `side`."""
    name = getattr(upload, "name", "") or _("the file")
    data = _read(upload, name)
    max_pixels = settings.SQUARE_IMAGE_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            frames = _header_check(img, name, max_pixels)
            img.verify()
            img = Image.open(io.BytesIO(data))  # verify() leaves the image unusable
            _draft(img, side, cover)
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(_("%(name)s is too large once decoded.") % {"name": name}) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise _unreadable(name) from None
    return Checked(data=data, name=name, format=img.format, pixels=frames * img.width * img.height)


def _unreadable(name: str) -> ImageRejected:
    return ImageRejected(
        _("%(name)s is not a readable image (damaged, truncated or another kind of file).")
        % {"name": name}
    )


def _decoded(checked: Checked, side: int, cover: bool = False) -> Image.Image:
    """Decode a checked upload (a JPEG at the scale its check chose)."""
    try:
        img = Image.open(io.BytesIO(checked.data))
        _draft(img, side, cover)
        img.load()
    except (Image.DecompressionBombError, OSError, SyntaxError, ValueError, EOFError):
        raise _unreadable(checked.name) from None
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


def _still(upright: Image.Image, fmt: str) -> tuple[bytes, str]:
    """Write an upright, sRGB still image anew in its own format, with no metadata."""
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
    thumb.thumbnail(THUMB_BOX, reducing_gap=2.0)
    thumb_data = _encode(_flatten(thumb), "JPEG", quality=82, optimize=True)
    return ContentFile(thumb_data, name="thumb.jpg")


def _post_image(checked: Checked) -> ProcessedImage:
    """Decode a checked post image; a still one is stored upright, in sRGB and no larger
    than SQUARE_IMAGE_MAX_SIDE (an animation keeps its size: its frames were counted)."""
    side = settings.SQUARE_IMAGE_MAX_SIDE
    img = _decoded(checked, side)
    if checked.format == "GIF" and getattr(img, "is_animated", False):
        data, ext = _animated_gif(img), "gif"
        upright = _to_srgb(ImageOps.exif_transpose(img))
    else:
        ImageOps.exif_transpose(img, in_place=True)  # no copy of up to 40 MP
        upright = img
        if max(upright.size) > side:
            if upright.mode in ("1", "P"):  # palette images would be resized pixel by pixel
                upright = upright.convert("RGBA")
            # a box reduce by a whole factor, then bicubic: 0.15 s for 40 MP, not 0.5 s
            upright.thumbnail((side, side), Image.Resampling.BICUBIC, reducing_gap=1.0)
        upright = _to_srgb(upright)
        data, ext = _still(upright, checked.format)
    return ProcessedImage(
        image=ContentFile(data, name=f"image.{ext}"),
        thumbnail=_thumbnail(upright),
        width=upright.width,
        height=upright.height,
    )


def _over_budget(checked: list[Checked]) -> str | None:
    """The refusal when decoding all of a post's images would cost more pixels than
    SQUARE_IMAGE_PIXELS_PER_POST (counted after the JPEG draft, every frame)."""
    budget = settings.SQUARE_IMAGE_PIXELS_PER_POST
    total = sum(each.pixels for each in checked)
    if total <= budget:
        return None
    return _(
        "Together these images are too large to process: %(mp)s megapixels, and a post "
        "can have at most %(max)s megapixels. Please attach fewer or smaller images."
    ) % {"mp": f"{total / 1_000_000:.3g}", "max": f"{budget / 1_000_000:g}"}


def process_post_images(uploads) -> list[ProcessedImage]:
    """Check every upload by its header and the post's decoding budget first, then
    decode and re-encode them; raise ImageRejected naming every file refused."""
    side = settings.SQUARE_IMAGE_MAX_SIDE
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append(image_check(upload, side=side))
        except ImageRejected as exc:
            errors.append(str(exc))
    if over := _over_budget(checked):
        raise ImageRejected(*errors, over)
    processed = []
    for each in checked:
        try:
            processed.append(_post_image(each))
        except ImageRejected as exc:
            errors.append(str(exc))
    if errors:
        raise ImageRejected(*errors)
    return processed


def process_post_image(upload) -> ProcessedImage:
    """Check and re-encode one post image; raise ImageRejected with a readable reason."""
    return process_post_images([upload])[0]


def thumbnail_of_stored(data: bytes) -> ContentFile:
    """A new thumbnail from an image as stored (already checked, upright and sRGB), for
    regenerating thumbnails after THUMB_BOX changes or a thumbnail file was lost."""
    with Image.open(io.BytesIO(data)) as img:
        img.draft(None, THUMB_BOX)
        img.load()
        return _thumbnail(img)


def process_avatar(upload) -> ContentFile:
    """A square, centred, metadata-free avatar. Refused by its header when decoding it
    would cost more than SQUARE_AVATAR_MAX_PIXELS (a JPEG decodes at a fraction of its
    size, so camera photos pass; a huge PNG does not)."""
    checked = image_check(upload, side=AVATAR_SIZE, cover=True)
    max_pixels = settings.SQUARE_AVATAR_MAX_PIXELS
    if checked.pixels > max_pixels:
        raise ImageRejected(
            _(
                "%(name)s is too large for an avatar: please use a picture of at most "
                "%(mp)s megapixels."
            )
            % {"name": checked.name, "mp": f"{max_pixels / 1_000_000:g}"}
        )
    img = _flatten(_to_srgb(ImageOps.exif_transpose(_decoded(checked, AVATAR_SIZE, True))))
    factor = min(img.size) // (2 * AVATAR_SIZE)  # a cheap box reduce first, as reducing_gap
    if factor >= 2:
        img = img.reduce(factor)
    avatar = ImageOps.fit(img, (AVATAR_SIZE, AVATAR_SIZE), Image.Resampling.LANCZOS)
    return ContentFile(_encode(avatar, "JPEG", quality=85), name="avatar.jpg")
