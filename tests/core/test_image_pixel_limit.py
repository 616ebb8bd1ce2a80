"""One pixel limit for every image the platform accepts (issue 17, item 8): avatars, community
covers, post attachments and CMS images all refuse what ``settings.MAX_IMAGE_PIXELS`` refuses, and
Pillow's own decompression-bomb guard uses the same number."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from wagtail.images.fields import WagtailImageField

from communities.core.forms import cover_from_upload
from communities.posts.services.attachments import check_upload
from intranet.accounts.images import avatar_from_upload


def _png(width: int, height: int) -> SimpleUploadedFile:
    """A one-bit PNG: a huge picture in a few kilobytes, as a decompression bomb would be."""
    buffer = io.BytesIO()
    Image.new("1", (width, height), 0).save(buffer, format="PNG")
    return SimpleUploadedFile("picture.png", buffer.getvalue(), content_type="image/png")


def _avatar(upload: SimpleUploadedFile) -> Any:
    return avatar_from_upload(upload, size=upload.size)


def _cover(upload: SimpleUploadedFile) -> Any:
    return cover_from_upload(upload, size=upload.size)


def _attachment(upload: SimpleUploadedFile) -> Any:
    return check_upload(upload)


def _cms_image(upload: SimpleUploadedFile) -> Any:
    # Wagtail's image field reads its limit from the settings when it is built, like its forms do.
    return WagtailImageField().clean(upload)


UPLOAD_PATHS: dict[str, Callable[[SimpleUploadedFile], Any]] = {
    "avatar": _avatar,
    "community cover": _cover,
    "post attachment": _attachment,
    "cms image": _cms_image,
}


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


@pytest.mark.parametrize("path", sorted(UPLOAD_PATHS))
def test_the_probed_144_megapixel_image_is_refused_everywhere(path):
    with pytest.raises(ValidationError) as caught:
        UPLOAD_PATHS[path](_png(12_000, 12_000))
    assert "megapixels" in _messages(caught.value).lower() or "pixel" in _messages(caught.value).lower()


@pytest.mark.parametrize("path", sorted(UPLOAD_PATHS))
def test_every_upload_path_follows_the_one_setting(path, settings):
    settings.MAX_IMAGE_PIXELS = 1_000_000
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = settings.MAX_IMAGE_PIXELS
    UPLOAD_PATHS[path](_png(1000, 1000))
    with pytest.raises(ValidationError) as caught:
        UPLOAD_PATHS[path](_png(1000, 1001))
    assert "pixel" in _messages(caught.value).lower()


@pytest.mark.parametrize("path", ["avatar", "community cover", "post attachment"])
def test_our_paths_say_the_limit(path):
    with pytest.raises(ValidationError) as caught:
        UPLOAD_PATHS[path](_png(8000, 5001))
    assert "more than 40 megapixels" in _messages(caught.value)


def test_one_limit_for_pillow_wagtail_and_the_platform(settings):
    assert settings.MAX_IMAGE_PIXELS == 40_000_000
    assert settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS == settings.MAX_IMAGE_PIXELS
    assert Image.MAX_IMAGE_PIXELS == settings.MAX_IMAGE_PIXELS
