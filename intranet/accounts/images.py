"""Avatars: uploads validated and re-encoded by :mod:`intranet.core.images` as small square WebP.

Only :func:`avatar_from_upload` creates a :class:`ProcessedAvatar`, so code that stores an avatar
(``profile_update``) can insist on its type and never writes raw, unchecked bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from django.core.files.base import ContentFile

from intranet.core.images import ACCEPT, MAX_UPLOAD_BYTES, reencode_upload

__all__ = ["ACCEPT", "AVATAR_SIZE", "MAX_OUTPUT_BYTES", "MAX_UPLOAD_BYTES", "ProcessedAvatar"]

AVATAR_SIZE = 256
# A 256x256 WebP is normally 10-30 kB; anything above this budget is re-encoded at lower quality.
MAX_OUTPUT_BYTES = 100 * 1024


@dataclass(frozen=True)
class ProcessedAvatar:
    """A validated avatar: square WebP bytes without metadata."""

    content: bytes

    def as_file(self) -> ContentFile[bytes]:
        return ContentFile(self.content, name="avatar.webp")


def avatar_from_upload(upload: IO[bytes], *, size: int | None = None) -> ProcessedAvatar:
    """Check ``upload`` is a real, reasonably sized JPEG/PNG/WebP/GIF and return it re-encoded."""
    content = reencode_upload(upload, box=(AVATAR_SIZE, AVATAR_SIZE), max_output_bytes=MAX_OUTPUT_BYTES, size=size)
    return ProcessedAvatar(content=content)
