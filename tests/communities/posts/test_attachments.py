"""Attachment limits: type, size, content and count, with clear errors and nothing half-saved."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError

from communities.models import Attachment, Post
from communities.posts.services import attachments as limits
from tests.communities.posts.conftest import file_upload, image_upload, write_post

pytestmark = pytest.mark.django_db


def _office(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}document.xml", "<x/>")
    return buffer.getvalue()


def test_post_with_image_and_files(member, community, settings):
    post = write_post(
        member,
        community,
        attachments=[
            image_upload("photo.png"),
            image_upload("pic.JPG", fmt="JPEG"),
            image_upload("anim.gif", fmt="GIF"),
            image_upload("modern.webp", fmt="WEBP"),
            file_upload("report.pdf", b"%PDF-1.7\n..."),
            file_upload("letter.docx", _office("word/")),
            file_upload("sheet.xlsx", _office("xl/")),
            file_upload("slides.pptx", _office("ppt/")),
            file_upload("notes.txt", "Grüße\n".encode()),
            file_upload("data.csv", "a;b\nGrüße;2\n".encode("cp1252")),
        ],
    )
    rows = list(post.attachments.order_by("id"))
    assert [(a.kind, a.content_type) for a in rows[:2]] == [("image", "image/png"), ("image", "image/jpeg")]
    assert rows[0].width == 40 and rows[0].height == 30
    assert rows[4].content_type == "application/pdf" and rows[4].kind == "file"
    assert {a.original_name for a in rows} >= {"report.pdf", "data.csv"}
    assert all(a.file.storage.exists(a.file.name) for a in rows)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: file_upload("run.exe", b"MZ..."), "cannot be attached"),
        (lambda: file_upload("page.html", b"<script>"), "cannot be attached"),
        (lambda: file_upload("vector.svg", b"<svg/>"), "cannot be attached"),
        (lambda: file_upload("fake.png", b"not an image"), "is not a readable image"),
        (lambda: image_upload("photo.png", fmt="JPEG"), "is not the kind of image its name says"),
        (lambda: file_upload("fake.pdf", b"<html>"), "does not match its file type"),
        (lambda: file_upload("fake.docx", b"PK\x03\x04garbage"), "does not match its file type"),
        (lambda: file_upload("wrong.docx", _office("xl/")), "does not match its file type"),
        (lambda: file_upload("binary.txt", b"a\x00b"), "does not match its file type"),
        (lambda: file_upload("renamed.csv", b"MZ\x90\x00\x03"), "does not match its file type"),
        (lambda: file_upload("zipped.txt", _office("word/")), "does not match its file type"),
        (lambda: file_upload("empty.pdf", b""), "is empty"),
    ],
)
def test_forbidden_or_fake_files_save_nothing(member, community, upload, message, settings):
    with pytest.raises(ValidationError) as caught:
        write_post(member, community, attachments=[image_upload("ok.png"), upload()])
    assert message in " ".join(caught.value.message_dict["attachments"])
    assert not Post.objects.exists() and not Attachment.objects.exists()
    media = settings.MEDIA_ROOT
    assert not any(p.is_file() for p in media.rglob("*")) if media.exists() else True


def test_oversize_files(member, community, monkeypatch):
    monkeypatch.setattr(limits, "IMAGE_MAX_BYTES", 100)
    with pytest.raises(ValidationError) as caught:
        write_post(member, community, attachments=[image_upload("big.png", size=(200, 200))])
    assert "is too large" in caught.value.message_dict["attachments"][0]
    monkeypatch.setattr(limits, "FILE_MAX_BYTES", 10)
    with pytest.raises(ValidationError) as caught:
        write_post(member, community, attachments=[file_upload("a.pdf", b"%PDF-" + b"x" * 20)])
    assert "is too large" in caught.value.message_dict["attachments"][0]
    assert not Post.objects.exists() and not Attachment.objects.exists()


def test_real_size_limits_are_10_and_20_megabytes():
    assert limits.IMAGE_MAX_BYTES == 10 * 1024 * 1024 and limits.FILE_MAX_BYTES == 20 * 1024 * 1024
    big = file_upload("big.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024))
    with pytest.raises(ValidationError) as caught:
        limits.check_upload(big)
    assert caught.value.message_dict["attachments"] == ["“big.pdf” is too large: at most 20 MB."]


def test_too_many_attachments(member, community):
    with pytest.raises(ValidationError) as caught:
        write_post(member, community, attachments=[file_upload(f"{i}.txt", b"x") for i in range(11)])
    assert caught.value.message_dict["attachments"] == ["A post may have at most 10 attachments."]
    assert not Post.objects.exists()
    post = write_post(member, community, attachments=[file_upload(f"{i}.txt", b"x") for i in range(10)])
    assert post.attachments.count() == 10
