"""The digest's 30-day trend as a PNG (Pillow). Pure: points in, bytes out."""

from __future__ import annotations

import io
from datetime import date

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 900, 320
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 70, 30, 40, 50
RED = (214, 39, 40)
GREEN = (44, 160, 44)
GREY = (200, 200, 200)
INK = (40, 40, 40)


def trend_png(
    points: list[tuple[date, int, int]], title: str = "Non-compliant resources, last 30 days"
) -> bytes:
    """A line chart of non-compliant (red) and compliant (green) resources per day."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    draw.text((MARGIN_LEFT, 12), title, fill=INK, font=font)
    left, right = MARGIN_LEFT, WIDTH - MARGIN_RIGHT
    top, bottom = MARGIN_TOP, HEIGHT - MARGIN_BOTTOM
    draw.line([(left, bottom), (right, bottom)], fill=INK)
    draw.line([(left, top), (left, bottom)], fill=INK)
    if not points:
        draw.text((left + 20, (top + bottom) // 2), "No snapshots yet", fill=INK, font=font)
        return _png(image)
    points = sorted(points)
    highest = max(max(n, c) for _, n, c in points) or 1
    first, last = points[0][0], points[-1][0]
    span = max(1, (last - first).days)

    def x(day: date) -> float:
        return left + (right - left) * ((day - first).days / span if len(points) > 1 else 0.5)

    def y(value: int) -> float:
        return bottom - (bottom - top) * value / highest

    for fraction in (0.25, 0.5, 0.75, 1.0):
        level = top + (bottom - top) * (1 - fraction)
        draw.line([(left, level), (right, level)], fill=GREY)
        draw.text((8, level - 6), f"{int(highest * fraction):>7}", fill=INK, font=font)
    for color, values in ((GREEN, [c for _, _, c in points]), (RED, [n for _, n, _ in points])):
        line = [(x(p[0]), y(value)) for p, value in zip(points, values, strict=True)]
        if len(line) > 1:
            draw.line(line, fill=color, width=3)
        for px, py in line:
            draw.ellipse([px - 3, py - 3, px + 3, py + 3], fill=color)
    draw.text((left, bottom + 10), first.isoformat(), fill=INK, font=font)
    draw.text((right - 70, bottom + 10), last.isoformat(), fill=INK, font=font)
    draw.text((left + 180, bottom + 28), "red: non-compliant   green: compliant", fill=INK, font=font)
    return _png(image)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
