"""Uploaded pictures (avatars, community covers): validated with Pillow, re-encoded as clean WebP.

Size and pixel count are checked before decoding (a decompression bomb costs nothing), only real
JPEG/PNG/WebP/GIF files are accepted, and the stored bytes are a fresh WebP made from the pixels
alone, so no metadata (EXIF location, comments) and no polyglot payload survives.

One pixel limit holds for every image the platform accepts: ``settings.MAX_IMAGE_PIXELS``, checked
by :func:`validate_image_pixels` (avatars, covers, post attachments) and given to Wagtail's image
library (``WAGTAILIMAGES_MAX_IMAGE_PIXELS``) and to Pillow itself (``PIL.Image.MAX_IMAGE_PIXELS``,
set when the kernel app starts).
"""

from __future__ import annotations

import io
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF"})
ACCEPT = "image/jpeg,image/png,image/webp,image/gif"
_QUALITIES = (82, 70, 55, 40)

ERROR_TOO_BIG = _("The file is larger than 5 MB. Please choose a smaller picture.")
ERROR_NOT_IMAGE = _("This file is not a picture we can read. Please upload a JPEG, PNG, WebP or GIF image.")
ERROR_FORMAT = _("This image format is not supported. Please upload a JPEG, PNG, WebP or GIF image.")
ERROR_PIXELS = _("The picture has more than %(megapixels)s megapixels. Please choose a smaller picture.")


def max_image_pixels() -> int:
    """The most pixels (width x height) an uploaded image may have: ``settings.MAX_IMAGE_PIXELS``."""
    return int(settings.MAX_IMAGE_PIXELS)


def megapixels(pixels: int) -> str:
    """``40`` for 40,000,000 pixels, ``12.5`` for 12,500,000: for messages."""
    return f"{pixels / 1_000_000:g}"


def validate_image_pixels(width: int, height: int) -> None:
    """``ValidationError`` (code ``pixels``) unless a ``width`` x ``height`` image is within the one
    platform-wide pixel limit. Call it on the header's size, before decoding any pixels."""
    if width * height > max_image_pixels():
        raise pixels_error()


def pixels_error() -> ValidationError:
    """The refusal of an image over the pixel limit (also for Pillow's ``DecompressionBombError``)."""
    return ValidationError(ERROR_PIXELS, code="pixels", params={"megapixels": megapixels(max_image_pixels())})


def reencode_upload(
    upload: IO[bytes],
    *,
    box: tuple[int, int],
    max_output_bytes: int,
    size: int | None = None,
    keep_alpha: bool = True,
) -> bytes:
    """Check ``upload`` is a real, reasonably sized picture and return it cropped to ``box`` as WebP.

    The quality steps down until the result fits ``max_output_bytes``. Raises
    :class:`ValidationError` with a message people understand.
    """
    if size is None:
        size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ValidationError(ERROR_TOO_BIG, code="too_big")
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(ERROR_TOO_BIG, code="too_big")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ALLOWED_FORMATS:
                raise ValidationError(ERROR_FORMAT, code="format")
            width, height = image.size
            validate_image_pixels(width, height)
            if width < 1 or height < 1:
                raise ValidationError(ERROR_NOT_IMAGE, code="not_image")
            image.seek(0)  # the first frame of an animated GIF or WebP
            image.load()
            return _encode(image, box=box, max_output_bytes=max_output_bytes, keep_alpha=keep_alpha)
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:
        raise pixels_error() from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ValidationError(ERROR_NOT_IMAGE, code="not_image") from exc


def _encode(image: Image.Image, *, box: tuple[int, int], max_output_bytes: int, keep_alpha: bool) -> bytes:
    oriented = ImageOps.exif_transpose(image)
    has_alpha = oriented.mode in ("RGBA", "LA", "PA") or (oriented.mode == "P" and "transparency" in oriented.info)
    mode = "RGBA" if keep_alpha and has_alpha else "RGB"
    fitted = ImageOps.fit(oriented.convert(mode), box, method=Image.Resampling.LANCZOS)
    # A fresh image from raw pixels carries no EXIF, XMP, ICC or comments from the upload.
    clean = Image.frombytes(mode, fitted.size, fitted.tobytes())
    encoded = b""
    for quality in _QUALITIES:
        buffer = io.BytesIO()
        clean.save(buffer, format="WEBP", quality=quality, method=4)
        encoded = buffer.getvalue()
        if len(encoded) <= max_output_bytes:
            break
    return encoded
