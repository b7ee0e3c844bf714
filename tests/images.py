"""Image files for upload tests, made in memory."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(
    fmt: str = "PNG", size: tuple[int, int] = (320, 200), *, exif: bool = False
) -> bytes:
    image = Image.new("RGB", size, (214, 0, 111))
    buffer = io.BytesIO()
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "SpyCam Inc."  # Make
        data[0x8825] = {1: "N", 2: (37.0, 33.0, 59.0), 3: "E", 4: (126.0, 58.0, 40.0)}  # GPS
        kwargs["exif"] = data.tobytes()
    image.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def valid_upload(fmt: str = "PNG", **kwargs) -> SimpleUploadedFile:
    ext = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}[fmt]
    return upload(f"picture.{ext}", image_bytes(fmt, **kwargs), f"image/{ext}")


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def bad_uploads() -> dict[str, SimpleUploadedFile]:
    """Each of these must be refused, leaving nothing stored."""
    png = image_bytes("PNG", (400, 400))
    # 20,000 x 20,000 pixels of one colour compress to a few hundred kilobytes.
    bomb = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(bomb, format="PNG", optimize=True)
    return {
        "svg": upload("avatar.svg", SVG, "image/svg+xml"),
        "svg-renamed": upload("avatar.png", SVG),
        "text-renamed": upload("avatar.png", b"just some text, honestly\n" * 40),
        "truncated": upload("avatar.png", png[: len(png) // 2]),
        "too-large": upload("avatar.png", png + b"\0" * (5 * 1024 * 1024)),
        "bomb": upload("bomb.png", bomb.getvalue()),
        "bmp": upload("avatar.bmp", image_bytes("BMP"), "image/bmp"),
    }


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
