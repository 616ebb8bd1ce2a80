"""Private uploads never leave through the media URL (issue 17, item 18).

The development server used to serve all of ``MEDIA_ROOT`` under ``/media/``, post attachments of
secret communities included, to anyone holding the path. It now serves the public folders alone.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from django.test import override_settings

from intranet.core.media import media_urlpatterns, public_media_name
from tests.factories import UserFactory

DEBUG_URLCONF = "tests.core._debug_urls"


@pytest.fixture
def debug_urls(settings) -> Iterator[ModuleType]:
    """``intranet/urls.py`` executed as under ``make run`` (``DEBUG`` on), used as the URLconf."""
    import intranet.urls

    spec = importlib.util.spec_from_file_location(DEBUG_URLCONF, intranet.urls.__file__)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    with override_settings(DEBUG=True):
        spec.loader.exec_module(module)
    sys.modules[DEBUG_URLCONF] = module
    settings.ROOT_URLCONF = DEBUG_URLCONF
    yield module
    sys.modules.pop(DEBUG_URLCONF, None)


def _store(settings, name: str, data: bytes) -> None:
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True])
def test_dev_media_url_never_serves_attachments(client, settings, debug_urls, signed_in):
    _store(settings, "attachments/2026/12/0123abcd.pdf", b"%PDF secret minutes")
    _store(settings, "documents/handbook.pdf", b"%PDF handbook")
    _store(settings, "avatars/7/beef.webp", b"RIFF avatar")
    if signed_in:
        client.force_login(UserFactory.create(is_staff=True))
    for path in (
        "/media/attachments/2026/12/0123abcd.pdf",
        "/media/documents/handbook.pdf",
        "/media/avatars/../attachments/2026/12/0123abcd.pdf",
        "/media/avatars/%2e%2e/attachments/2026/12/0123abcd.pdf",
    ):
        assert client.get(path).status_code == 404, path
    response = client.get("/media/avatars/7/beef.webp")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"RIFF avatar"


def test_media_urls_exist_only_in_debug(settings):
    settings.DEBUG = False
    assert media_urlpatterns() == []
    settings.DEBUG = True
    assert len(media_urlpatterns()) == 1


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("avatars/1/x.webp", "avatars/1/x.webp"),
        ("communities/covers/ab.png", "communities/covers/ab.png"),
        ("images/photo.width-400.jpg", "images/photo.width-400.jpg"),
        ("attachments/2026/01/x.pdf", None),
        ("communities/x.png", None),
        ("avatars/../attachments/x.pdf", None),
        ("../media/avatars/x.webp", None),
        ("/avatars/x.webp", "avatars/x.webp"),
        ("avatars\\..\\attachments\\x.pdf", None),
        ("avatarsX/x.webp", None),
    ],
)
def test_public_media_name(path, expected):
    assert public_media_name(path) == expected
