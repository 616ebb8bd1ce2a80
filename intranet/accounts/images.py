"""Avatar processing: validate an upload with Pillow and re-encode it as a small, clean WebP.

Only :func:`avatar_from_upload` creates a :class:`ProcessedAvatar`, so code that stores an avatar
(``profile_update``) can insist on its type and never writes raw, unchecked bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF"})
ACCEPT = "image/jpeg,image/png,image/webp,image/gif"
AVATAR_SIZE = 256
# A 256x256 WebP is normally 10-30 kB; anything above this budget is re-encoded at lower quality.
MAX_OUTPUT_BYTES = 100 * 1024
_QUALITIES = (82, 70, 55, 40)

ERROR_TOO_BIG = _("The file is larger than 5 MB. Please choose a smaller picture.")
ERROR_NOT_IMAGE = _("This file is not a picture we can read. Please upload a JPEG, PNG, WebP or GIF image.")
ERROR_FORMAT = _("This image format is not supported. Please upload a JPEG, PNG, WebP or GIF image.")
ERROR_PIXELS = _("The picture has more than 40 megapixels. Please choose a smaller picture.")


@dataclass(frozen=True)
class ProcessedAvatar:
    """A validated avatar: square WebP bytes without metadata."""

    content: bytes

    def as_file(self) -> ContentFile[bytes]:
        return ContentFile(self.content, name="avatar.webp")


def avatar_from_upload(upload: IO[bytes], *, size: int | None = None) -> ProcessedAvatar:
    """Check ``upload`` is a real, reasonably sized JPEG/PNG/WebP/GIF and return it re-encoded.

    Raises :class:`ValidationError` with a message people understand. The pixel count is checked
    from the header, before the picture is decoded, so a decompression bomb costs nothing.
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
            if width * height > MAX_PIXELS:
                raise ValidationError(ERROR_PIXELS, code="pixels")
            if width < 1 or height < 1:
                raise ValidationError(ERROR_NOT_IMAGE, code="not_image")
            image.seek(0)  # the first frame of an animated GIF or WebP
            image.load()
            return ProcessedAvatar(content=_encode(image))
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ValidationError(ERROR_NOT_IMAGE, code="not_image") from exc


def _encode(image: Image.Image) -> bytes:
    oriented = ImageOps.exif_transpose(image)
    has_alpha = oriented.mode in ("RGBA", "LA", "PA") or (oriented.mode == "P" and "transparency" in oriented.info)
    mode = "RGBA" if has_alpha else "RGB"
    fitted = ImageOps.fit(oriented.convert(mode), (AVATAR_SIZE, AVATAR_SIZE), method=Image.Resampling.LANCZOS)
    # A fresh image from raw pixels carries no EXIF, XMP, ICC or comments from the upload.
    clean = Image.frombytes(mode, fitted.size, fitted.tobytes())
    encoded = b""
    for quality in _QUALITIES:
        buffer = io.BytesIO()
        clean.save(buffer, format="WEBP", quality=quality, method=4)
        encoded = buffer.getvalue()
        if len(encoded) <= MAX_OUTPUT_BYTES:
            break
    return encoded
