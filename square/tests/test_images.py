"""Uploaded images: bad files are refused with a reason and leave no trace; good ones are
re-encoded upright, without metadata, with a thumbnail."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from PIL import Image, ImageCms, PngImagePlugin

from square.images import THUMB_BOX
from square.models import Post, PostImage
from square.services.posts import post_create
from square.tests import factories as f

pytestmark = pytest.mark.django_db

TEN_MB = 10 * 1024 * 1024


def assert_nothing_saved(media_files):
    assert not Post.objects.exists()
    assert not PostImage.objects.exists()
    assert media_files() == []


def refuse(user, uploads) -> str:
    """Post with `uploads`, expect a refusal, and return its messages (in English)."""
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        post_create(author=user, body="with pictures", images=uploads)
    with translation.override("en"):
        return " ".join(str(m) for m in excinfo.value.messages)


def stored(post_image) -> Image.Image:
    with post_image.image.open("rb") as handle:
        img = Image.open(io.BytesIO(handle.read()))
        img.load()
    return img


# --- refused -----------------------------------------------------------------------------

BAD_FILES = [
    ("text-named-jpg", "notes.jpg", b"just some text, not a picture\n", "readable image"),
    ("empty-file", "empty.png", b"", "readable image"),
    ("truncated-jpeg", "cut.jpg", f.noisy_jpeg()[:3000], "truncated"),
    ("truncated-png", "cut.png", f.noisy_png()[:3000], "truncated"),
    ("svg", "drawing.svg", f.SVG, "readable image"),
    ("svg-named-png", "drawing.png", f.SVG, "readable image"),
    ("bmp", "old.bmp", f.image_bytes("BMP"), "not a JPEG, PNG, WebP or GIF"),
    ("tiff", "scan.tif", f.image_bytes("TIFF"), "not a JPEG, PNG, WebP or GIF"),
    ("bomb-header-huge", "bomb.png", f.png_header_claiming(100_000, 100_000), "too large"),
    ("bomb-header-over-limit", "big.png", f.png_header_claiming(8_000, 8_000), "megapixels"),
]


@pytest.mark.parametrize(
    ("name", "data", "reason"), [c[1:] for c in BAD_FILES], ids=[c[0] for c in BAD_FILES]
)
def test_bad_file_is_refused_and_nothing_saved(user, media_files, name, data, reason):
    message = refuse(user, [f.upload(name, data)])
    assert name in message
    assert reason in message
    assert_nothing_saved(media_files)


def test_real_image_over_a_lowered_pixel_limit_is_refused(user, media_files, settings):
    settings.SQUARE_IMAGE_MAX_PIXELS = 100
    message = refuse(user, [f.upload("big.png", f.image_bytes("PNG", size=(20, 20)))])
    assert "big.png" in message and "megapixels" in message
    assert_nothing_saved(media_files)


def test_animation_with_too_many_frames_is_refused(user, media_files, settings):
    settings.SQUARE_IMAGE_MAX_PIXELS = 600  # each 30x20 frame fits; 5 frames > 4 x the limit
    message = refuse(user, [f.upload("anim.gif", f.animated_gif(frames=5), "image/gif")])
    assert "too many frames" in message
    assert_nothing_saved(media_files)


def test_file_over_ten_megabytes_is_refused_before_reading(user, media_files):
    data = f.image_bytes("JPEG") + b"\0" * TEN_MB
    message = refuse(user, [f.upload("huge.jpg", data)])
    assert "huge.jpg" in message and "10 MB" in message
    assert_nothing_saved(media_files)


def test_file_over_a_lowered_byte_limit_is_refused(user, media_files, settings):
    data = f.noisy_jpeg()
    settings.SQUARE_IMAGE_MAX_BYTES = len(data) - 1
    refuse(user, [f.upload("a.jpg", data)])
    assert_nothing_saved(media_files)


def test_ten_images_are_refused(user, media_files, jpeg_upload):
    message = refuse(user, [jpeg_upload(f"{i}.jpg") for i in range(10)])
    assert "9" in message
    assert_nothing_saved(media_files)


def test_nine_images_are_accepted(user, jpeg_upload):
    post = post_create(author=user, body="nine", images=[jpeg_upload(f"{i}.jpg") for i in range(9)])
    assert list(post.images.values_list("position", flat=True)) == list(range(9))


def test_one_bad_image_among_good_ones_saves_nothing(user, media_files, jpeg_upload):
    uploads = [jpeg_upload("good1.jpg"), f.upload("bad.jpg", b"nope"), jpeg_upload("good2.jpg")]
    message = refuse(user, uploads)
    assert "bad.jpg" in message
    assert "good1.jpg" not in message
    assert_nothing_saved(media_files)


def test_every_bad_image_is_named(user, media_files):
    message = refuse(user, [f.upload("one.jpg", b"x"), f.upload("two.svg", f.SVG)])
    assert "one.jpg" in message and "two.svg" in message
    assert_nothing_saved(media_files)


# --- accepted ----------------------------------------------------------------------------


def test_jpeg_is_turned_upright_and_loses_all_exif(user):
    source = Image.open(io.BytesIO(f.rotated_jpeg_with_gps()))
    assert source.size == (40, 20)
    assert source.getexif()[0x0112] == 6 and source.getexif().get_ifd(0x8825)

    post = post_create(
        author=user, body="sideways", images=[f.upload("gps.jpg", f.rotated_jpeg_with_gps())]
    )
    image = post.images.get()
    assert (image.width, image.height) == (20, 40)
    img = stored(image)
    assert img.format == "JPEG"
    assert img.size == (20, 40)
    assert len(img.getexif()) == 0
    assert "exif" not in img.info
    red, _, blue = img.getpixel((10, 3))  # the red half is now on top
    assert red > 200 and blue < 80
    with image.image.open("rb") as handle:
        raw = handle.read()
    assert b"Exif" not in raw and b"SpyCam" not in raw


def test_png_keeps_transparency(user):
    post = post_create(
        author=user, body="alpha", images=[f.upload("a.png", f.transparent_png(), "image/png")]
    )
    img = stored(post.images.get())
    assert img.format == "PNG"
    assert img.mode == "RGBA"
    assert img.getpixel((15, 10))[3] == 0
    assert img.getpixel((5, 10)) == (255, 0, 0, 255)


def test_animated_gif_stays_animated(user):
    gif = f.upload("anim.gif", f.animated_gif(frames=3), "image/gif")
    post = post_create(author=user, body="moving", images=[gif])
    img = stored(post.images.get())
    assert img.format == "GIF"
    assert img.is_animated and img.n_frames == 3
    assert post.images.get().image.name.endswith(".gif")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF"])
def test_every_allowed_format_is_accepted_in_its_own_format(user, fmt):
    data = f.image_bytes(fmt)
    post = post_create(author=user, body=fmt, images=[f.upload(f"x.{fmt.lower()}", data)])
    assert stored(post.images.get()).format == fmt


def test_thumbnail_exists_and_fits_720(user):
    data = f.image_bytes("JPEG", size=(1600, 1000))
    post = post_create(author=user, body="big", images=[f.upload("big.jpg", data)])
    image = post.images.get()
    assert image.thumbnail.storage.exists(image.thumbnail.name)
    with image.thumbnail.open("rb") as handle:
        thumb = Image.open(io.BytesIO(handle.read()))
    assert max(thumb.size) <= max(THUMB_BOX) == 720
    assert thumb.size == (720, 450)
    assert (image.width, image.height) == (1600, 1000)


def test_small_image_thumbnail_is_not_enlarged(user, jpeg_upload):
    post = post_create(author=user, body="small", images=[jpeg_upload()])
    image = post.images.get()
    with image.thumbnail.open("rb") as handle:
        assert Image.open(io.BytesIO(handle.read())).size == (40, 20)


def _png_with(**options) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (1, 2, 3)).save(buffer, "PNG", **options)
    return buffer.getvalue()


def _png_text() -> PngImagePlugin.PngInfo:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "SECRET-PAYLOAD")
    return info


SRGB_ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


METADATA_CARRIERS = [
    ("jpeg-comment", "a.jpg", f.image_bytes("JPEG", comment=b"SECRET-PAYLOAD")),
    ("jpeg-icc", "a.jpg", f.image_bytes("JPEG", icc_profile=SRGB_ICC)),
    ("png-text-chunk", "a.png", _png_with(pnginfo=_png_text())),
    ("png-icc", "a.png", _png_with(icc_profile=SRGB_ICC)),
    ("webp-icc", "a.webp", f.image_bytes("WEBP", icc_profile=SRGB_ICC)),
    ("gif-comment", "a.gif", f.image_bytes("GIF", comment=b"SECRET-PAYLOAD")),
    ("animated-gif-comment", "b.gif", f.animated_gif(comment=b"SECRET-PAYLOAD")),
]


@pytest.mark.parametrize(
    ("name", "data"), [c[1:] for c in METADATA_CARRIERS], ids=[c[0] for c in METADATA_CARRIERS]
)
def test_no_metadata_is_carried_over(user, name, data):
    """`square.images` promises the file is written anew with no metadata: no comments,
    text chunks or ICC payloads survive."""
    post = post_create(author=user, body="meta", images=[f.upload(name, data)])
    image = post.images.get()
    with image.image.open("rb") as handle:
        raw = handle.read()
    assert b"SECRET-PAYLOAD" not in raw
    info = stored(image).info
    assert not {"comment", "Comment", "icc_profile", "exif", "xmp"} & set(info)
