"""Attachments of posts: type, size and count limits, checked before anything is written.

Images (JPEG, PNG, WebP, GIF, up to 10 MB and the platform's pixel limit, see
:mod:`intranet.core.images`) must open in Pillow as the format their extension claims. Files (PDF,
DOCX, XLSX, PPTX, TXT, CSV, up to 20 MB) are checked by extension and by a cheap look at their
content: PDF magic, the Office Open XML zip layout, text that decodes and holds no NUL bytes.
The stored content type comes from our table, never from the browser.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from communities.posts.models import Attachment, Post
from intranet.core.images import max_image_pixels, megapixels, validate_image_pixels

MAX_ATTACHMENTS = 10
IMAGE_MAX_BYTES = 10 * 1024 * 1024
FILE_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class FileType:
    kind: str
    content_type: str
    pillow_format: str = ""
    zip_folder: str = ""


FILE_TYPES: dict[str, FileType] = {
    ".jpg": FileType(Attachment.Kind.IMAGE, "image/jpeg", pillow_format="JPEG"),
    ".jpeg": FileType(Attachment.Kind.IMAGE, "image/jpeg", pillow_format="JPEG"),
    ".png": FileType(Attachment.Kind.IMAGE, "image/png", pillow_format="PNG"),
    ".webp": FileType(Attachment.Kind.IMAGE, "image/webp", pillow_format="WEBP"),
    ".gif": FileType(Attachment.Kind.IMAGE, "image/gif", pillow_format="GIF"),
    ".pdf": FileType(Attachment.Kind.FILE, "application/pdf"),
    ".docx": FileType(
        Attachment.Kind.FILE,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        zip_folder="word/",
    ),
    ".xlsx": FileType(
        Attachment.Kind.FILE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", zip_folder="xl/"
    ),
    ".pptx": FileType(
        Attachment.Kind.FILE,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        zip_folder="ppt/",
    ),
    ".txt": FileType(Attachment.Kind.FILE, "text/plain"),
    ".csv": FileType(Attachment.Kind.FILE, "text/csv"),
}
ACCEPT = ",".join(FILE_TYPES)
BINARY_MAGIC = (b"PK\x03\x04", b"%PDF", b"\x7fELF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b")


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed every check, with what we learnt about it."""

    upload: UploadedFile
    name: str
    file_type: FileType
    size: int
    width: int | None = None
    height: int | None = None


def _error(message: str, code: str) -> ValidationError:
    return ValidationError({"attachments": [message]}, code=code)


def _head(upload: UploadedFile, size: int = 8192) -> bytes:
    upload.seek(0)
    data = upload.read(size)
    upload.seek(0)
    return data


def _check_image(upload: UploadedFile, name: str, file_type: FileType) -> tuple[int, int]:
    too_many_pixels = _error(
        _("“%(name)s” has more than %(megapixels)s megapixels. Please attach a smaller picture.")
        % {"name": name, "megapixels": megapixels(max_image_pixels())},
        "pixels",
    )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            # The platform's one pixel limit, on the header's size, before any pixel is decoded.
            validate_image_pixels(width, height)
            image.verify()
    except ValidationError:
        raise too_many_pixels from None
    except Image.DecompressionBombError:
        raise too_many_pixels from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _error(_("“%(name)s” is not a readable image.") % {"name": name}, "bad_image") from None
    finally:
        upload.seek(0)
    if image_format != file_type.pillow_format:
        raise _error(
            _("“%(name)s” is not the kind of image its name says (%(found)s).") % {"name": name, "found": image_format},
            "image_mismatch",
        )
    return width, height


def _check_file(upload: UploadedFile, name: str, file_type: FileType) -> None:
    head = _head(upload)
    ok = True
    if file_type.content_type == "application/pdf":
        ok = head.startswith(b"%PDF-")
    elif file_type.zip_folder:
        ok = head.startswith(b"PK\x03\x04")
        if ok:
            try:
                with zipfile.ZipFile(upload) as archive:
                    names = archive.namelist()
                ok = "[Content_Types].xml" in names and any(n.startswith(file_type.zip_folder) for n in names)
            except (zipfile.BadZipFile, OSError, ValueError):
                ok = False
            finally:
                upload.seek(0)
    elif file_type.content_type.startswith("text/"):
        # Any encoding will do (spreadsheets export CSV in Windows-1252), but text holds no NUL
        # bytes and does not start like an executable, an archive or an image.
        ok = b"\x00" not in head and not head.startswith(BINARY_MAGIC)
    if not ok:
        raise _error(_("The content of “%(name)s” does not match its file type.") % {"name": name}, "content_mismatch")


def check_upload(upload: UploadedFile) -> CheckedUpload:
    """Validate one upload; raises ``ValidationError`` (key ``attachments``) with a clear message."""
    name = PurePosixPath((upload.name or "").replace("\\", "/")).name[:200] or "file"
    suffix = PurePosixPath(name).suffix.lower()
    file_type = FILE_TYPES.get(suffix)
    if file_type is None:
        raise _error(
            _(
                "“%(name)s” cannot be attached. Allowed are images (JPEG, PNG, WebP, GIF) and PDF, Word, Excel, "
                "PowerPoint, text and CSV files."
            )
            % {"name": name},
            "forbidden_type",
        )
    size = int(upload.size or 0)
    limit = IMAGE_MAX_BYTES if file_type.kind == Attachment.Kind.IMAGE else FILE_MAX_BYTES
    if size > limit:
        raise _error(
            _("“%(name)s” is too large: at most %(max)d MB.") % {"name": name, "max": limit // (1024 * 1024)},
            "too_large",
        )
    if size == 0:
        raise _error(_("“%(name)s” is empty.") % {"name": name}, "empty")
    if file_type.kind == Attachment.Kind.IMAGE:
        width, height = _check_image(upload, name, file_type)
        return CheckedUpload(upload, name, file_type, size, width, height)
    _check_file(upload, name, file_type)
    return CheckedUpload(upload, name, file_type, size)


def validate_uploads(uploads: list[UploadedFile], *, existing: int) -> list[CheckedUpload]:
    """Check every upload and the count limit together; the first problem found is raised."""
    if existing + len(uploads) > MAX_ATTACHMENTS:
        raise _error(
            _("A post may have at most %(max)d attachments.") % {"max": MAX_ATTACHMENTS}, "too_many_attachments"
        )
    return [check_upload(upload) for upload in uploads]


def attachment_save(*, post: Post, uploaded_by: Any, upload: CheckedUpload) -> Attachment:
    """Store an already checked upload on ``post`` (no permission check: callers did it)."""
    attachment = Attachment(
        post=post,
        uploaded_by=uploaded_by,
        kind=upload.file_type.kind,
        original_name=upload.name,
        content_type=upload.file_type.content_type,
        size=upload.size,
        width=upload.width,
        height=upload.height,
    )
    attachment.file.save(upload.name, upload.upload, save=False)
    stored, storage = attachment.file.name, attachment.file.storage
    try:
        attachment.save()
    except Exception:
        storage.delete(stored)
        raise
    return attachment
