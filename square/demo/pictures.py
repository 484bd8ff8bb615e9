"""Pictures for the demo square, drawn with Pillow (no fonts, no files)."""

import io
import math
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

BRIGHT = [(255, 196, 60), (255, 92, 110), (96, 214, 255), (190, 120, 255), (80, 230, 160)]
DEEP = [(24, 32, 72), (60, 20, 84), (10, 60, 80), (90, 30, 40), (20, 70, 50)]
PALE = [(250, 246, 236), (232, 240, 250), (244, 234, 246), (234, 246, 238)]


def _gradient(size: tuple[int, int], top: tuple, bottom: tuple) -> Image.Image:
    mask = Image.linear_gradient("L").resize(size)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def _fireworks(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    w, h = size
    img = _gradient(size, (8, 10, 38), rng.choice(DEEP))
    draw = ImageDraw.Draw(img)
    for _ in range(80):
        draw.point((rng.randrange(w), rng.randrange(h)), fill=(230, 230, 255))
    for _ in range(rng.randint(3, 6)):
        cx, cy, r = rng.randrange(w), rng.randrange(h * 2 // 3), rng.randint(w // 12, w // 5)
        color, rays = rng.choice(BRIGHT), rng.choice((16, 24, 36))
        for k in range(rays):
            cos, sin = math.cos(2 * math.pi * k / rays), math.sin(2 * math.pi * k / rays)
            x, y = cx + r * cos, cy + r * sin
            draw.line([(cx + r * cos / 4, cy + r * sin / 4), (x, y)], fill=color, width=2)
            draw.ellipse([x - 4, y - 4, x + 4, y + 4], fill=color)
    x = 0
    while x < w:  # a city skyline
        bw, bh = rng.randint(30, 90), rng.randint(h // 12, h // 4)
        draw.rectangle([x, h - bh, x + bw, h], fill=(12, 12, 24))
        x += bw
    return img


def _candles(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    w, h = size
    img = Image.new("RGB", size, (17, 20, 28))
    draw = ImageDraw.Draw(img)
    for k in range(1, 8):
        draw.line([(0, h * k // 8), (w, h * k // 8)], fill=(38, 44, 58))
    price, bars = 100.0, []
    for _ in range(rng.randint(30, 60)):
        close = price + rng.gauss(0.2, 2.5)
        spread = (rng.random() * 1.5, rng.random() * 1.5)
        bars.append((price, max(price, close) + spread[0], min(price, close) - spread[1], close))
        price = close
    low, high = min(b[2] for b in bars), max(b[1] for b in bars)

    def y(v: float) -> float:
        return h * 0.9 - (v - low) / (high - low or 1) * h * 0.8

    step = w / len(bars)
    for i, (o, hi, lo, c) in enumerate(bars):
        x, color = step * (i + 0.5), (38, 194, 129) if c >= o else (240, 80, 90)
        draw.line([(x, y(hi)), (x, y(lo))], fill=color, width=2)
        draw.rectangle([x - step / 3, min(y(o), y(c)), x + step / 3, max(y(o), y(c)) + 1], color)
    closes = [b[3] for b in bars]
    windows = [closes[max(0, i - 6) : i + 1] for i in range(len(closes))]
    avg = [sum(win) / len(win) for win in windows]
    draw.line([(step * (i + 0.5), y(v)) for i, v in enumerate(avg)], fill=(240, 185, 11), width=3)
    return img


def _blocks(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    w, h = size
    img = _gradient(size, rng.choice(DEEP), rng.choice(DEEP))
    draw = ImageDraw.Draw(img)
    n, color = rng.randint(3, 5), rng.choice(BRIGHT)
    side = w // (n * 2)
    gap, top = (w - n * side) / (n + 1), h // 2 - side // 2
    for k in range(n):
        x0 = gap + k * (side + gap)
        draw.rounded_rectangle([x0, top, x0 + side, top + side], side // 8, outline=color, width=6)
        cell = side // 5
        for r in range(3):
            for c in range(3):
                if rng.random() < 0.6:
                    cx, cy = x0 + cell * (c + 1), top + cell * (r + 1)
                    draw.rectangle([cx, cy, cx + cell * 0.7, cy + cell * 0.7], fill=color)
        if k:
            draw.line([(x0 - gap, h // 2), (x0, h // 2)], fill=color, width=6)
    return img


def _geometric(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    w, h = size
    img = Image.new("RGB", size, rng.choice(PALE))
    draw = ImageDraw.Draw(img)
    for _ in range(rng.randint(6, 12)):
        x, y, r = rng.randrange(w), rng.randrange(h), rng.randint(w // 16, w // 4)
        color, shape = rng.choice(BRIGHT + DEEP), rng.randrange(3)
        if shape == 0:
            draw.ellipse([x - r, y - r, x + r, y + r], fill=color)
        elif shape == 1:
            draw.rectangle([x - r, y - r // 2, x + r, y + r // 2], fill=color)
        else:
            draw.polygon([(x, y - r), (x + r, y + r), (x - r, y + r)], fill=color)
    return img


def _donut(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    w, h = size
    img = _gradient(size, PALE[0], PALE[1])
    draw = ImageDraw.Draw(img)
    shares = [rng.random() + 0.2 for _ in range(rng.randint(3, 6))]
    colors = rng.sample(BRIGHT + DEEP, len(shares))
    r, cx, cy, start = min(w, h) * 0.35, w * 0.38, h / 2, -90.0
    for k, share in enumerate(shares):
        end = start + 360 * share / sum(shares)
        draw.pieslice([cx - r, cy - r, cx + r, cy + r], start, end, fill=colors[k])
        top = h * 0.25 + k * h * 0.09
        draw.rectangle([w * 0.72, top, w * 0.72 + share * w * 0.15, top + h * 0.05], colors[k])
        start = end
    draw.ellipse([cx - r / 2, cy - r / 2, cx + r / 2, cy + r / 2], fill=PALE[0])
    return img


def _avatar(rng: random.Random) -> Image.Image:
    """A symmetric 5x5 identicon on a soft gradient."""
    img = _gradient((256, 256), rng.choice(PALE), rng.choice(PALE))
    draw, color = ImageDraw.Draw(img), rng.choice(BRIGHT + DEEP)
    for row in range(5):
        for col in range(3):
            if rng.random() < 0.5:
                for c in {col, 4 - col}:
                    draw.rectangle([38 + c * 36, 38 + row * 36, 73 + c * 36, 73 + row * 36], color)
    return img


MOTIFS = {
    "ny": (_fireworks, _geometric), "goal": (_geometric, _fireworks), "web3": (_blocks, _geometric),
    "btc": (_candles, _blocks), "eth": (_blocks, _donut), "defi": (_donut, _candles),
    "l2": (_blocks, _geometric), "disc": (_candles, _geometric), "mkt": (_candles, _donut),
}  # fmt: skip


def _upload(img: Image.Image, name: str, fmt: str) -> SimpleUploadedFile:
    """Encode in memory, as a browser would send it."""
    out = io.BytesIO()
    img.save(out, fmt, quality=90)
    ext = "jpg" if fmt == "JPEG" else "png"
    return SimpleUploadedFile(f"{name}.{ext}", out.getvalue(), content_type=f"image/{fmt.lower()}")


def picture(topic: str, key: str) -> SimpleUploadedFile:
    rng = random.Random(f"picture-{key}")
    primary, secondary = MOTIFS[topic]
    draw = primary if rng.random() < 0.7 else secondary
    fmt = "JPEG" if draw in (_fireworks, _blocks) else "PNG"  # gradients vs flat colours
    return _upload(draw(rng, rng.choice(((800, 600), (1080, 1080)))), f"square-{key}", fmt)


def avatar_upload(username: str) -> SimpleUploadedFile:
    """A member's avatar, the same one every time for the same username."""
    return _upload(_avatar(random.Random(username)), "avatar", "PNG")
