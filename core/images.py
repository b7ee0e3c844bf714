"""Uploaded images: validated, decoded and re-encoded by Pillow, never stored as sent.

Every image a person uploads (avatars, cover art, hero images, artist photos)
goes through `clean_image`: the bytes are size-checked, decoded fully (a
truncated or disguised file fails here), checked against a pixel budget (a
decompression bomb fails here), and re-encoded from pixels, which drops EXIF,
GPS and anything else riding along.
"""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
ALLOWED_LABEL = "JPEG, PNG, WebP or GIF"


@dataclass(frozen=True)
class Rendition:
    """One stored size of an image: fits in width x height, or is cropped to it."""

    width: int
    height: int
    crop: bool = True


def _max_bytes() -> int:
    return settings.IMAGE_UPLOAD_MAX_BYTES


def _max_pixels() -> int:
    return settings.IMAGE_UPLOAD_MAX_PIXELS


def clean_image(upload) -> Image.Image:
    """Return the decoded image, or raise ValidationError with a message for people."""
    size = getattr(upload, "size", None)
    if size is not None and size > _max_bytes():
        raise ValidationError(
            f"That file is {filesizeformat(size)}; images may be at most "
            f"{filesizeformat(_max_bytes())}.",
            code="too_large",
        )
    upload.seek(0)
    data = upload.read(_max_bytes() + 1)
    if len(data) > _max_bytes():
        raise ValidationError(
            f"Images may be at most {filesizeformat(_max_bytes())}.", code="too_large"
        )
    if not data:
        raise ValidationError("That file is empty.", code="empty")
    try:
        with warnings.catch_warnings():
            # Pillow warns above MAX_IMAGE_PIXELS and raises at twice that; both are refusals.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in ALLOWED_FORMATS:
                raise ValidationError(
                    f"That is not a {ALLOWED_LABEL} image.", code="invalid_format"
                )
            width, height = probe.size
            if width * height > _max_pixels():
                raise ValidationError(
                    f"That image is {width}×{height} pixels; the limit is "
                    f"{_max_pixels() // 1_000_000} megapixels.",
                    code="too_many_pixels",
                )
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            f"That image is too large to process (over {_max_pixels() // 1_000_000} megapixels).",
            code="too_many_pixels",
        ) from None
    except (OSError, SyntaxError, ValueError, Image.UnidentifiedImageError):
        raise ValidationError(
            f"That file is not a readable {ALLOWED_LABEL} image (it may be damaged or "
            "a different kind of file).",
            code="invalid_image",
        ) from None
    return image


def render(image: Image.Image, rendition: Rendition) -> ContentFile:
    """Re-encode an image at one rendition as WebP with a random name."""
    image = ImageOps.exif_transpose(image)
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)
    mode = "RGBA" if image.mode in {"RGBA", "LA", "P", "PA"} else "RGB"
    image = image.convert(mode)
    size = (rendition.width, rendition.height)
    if rendition.crop:
        image = ImageOps.fit(image, size, Image.Resampling.LANCZOS)
    else:
        image = image.copy()
        image.thumbnail(size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="WEBP", quality=85, method=4)
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.webp")


def store_renditions(instance, fields: dict[str, Rendition], image: Image.Image) -> None:
    """Store fresh renditions of a validated `image` in the model's image `fields`.

    The old files are deleted once the row is committed; if anything fails midway (a full
    disk, a refused save), the new files are removed again, so no orphan is left behind.
    """
    from django.db import transaction

    old = [
        (field_file.storage, field_file.name)
        for name in fields
        if (field_file := getattr(instance, name))
    ]
    stored: list[tuple] = []
    try:
        with transaction.atomic():
            for name, rendition in fields.items():
                field_file = getattr(instance, name)
                content = render(image, rendition)
                field_file.save(content.name, content, save=False)
                stored.append((field_file.storage, field_file.name))
            instance.full_clean(exclude=["thread"], validate_unique=False)
            instance.save(update_fields=list(fields))
            for storage, name in old:
                transaction.on_commit(lambda s=storage, n=name: s.delete(n))
    except Exception:
        for storage, name in stored:
            storage.delete(name)
        raise
