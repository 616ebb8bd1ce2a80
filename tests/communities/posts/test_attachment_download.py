"""Attachments leave only through the permission-checked view: streamed, or handed to the proxy
with X-Accel-Redirect when ``ATTACHMENTS_ACCEL_REDIRECT_PREFIX`` is set (issue 17, item 18)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from communities.core import services
from communities.models import Attachment, Community
from tests.communities.posts.conftest import add_person, file_upload, image_upload, write_post
from tests.factories import UserFactory
from tests.support.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret_files(owner) -> dict[str, Attachment]:
    secret = services.community_create(actor=owner, name="Board Room", visibility=Community.Visibility.SECRET)
    post = write_post(owner, secret, attachments=[file_upload("minutes.pdf", b"%PDF-1.7 minutes"), image_upload()])
    return {a.kind: a for a in post.attachments.all()}


#: user, role map (with permissions), the attachment with its post and community.
ATTACHMENT_QUERIES = 3


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_accel_redirect_for_a_permitted_viewer_only(settings, owner, secret_files):
    settings.ATTACHMENTS_ACCEL_REDIRECT_PREFIX = "/protected-media/"
    document = secret_files[Attachment.Kind.FILE]
    url = reverse("communities:attachment_download", args=[document.pk])
    member = add_person(document.post.community)

    response = _client(member).get(url)
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/protected-media/{document.file.name}"
    assert document.file.name.startswith("attachments/")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="minutes.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff" and response["Cache-Control"].startswith("private")

    for outsider in (UserFactory.create(), None):
        denied = _client(outsider).get(url)
        assert denied.status_code in (404, 302) and "X-Accel-Redirect" not in denied
        if outsider is not None:
            assert denied.status_code == 404


def test_accel_redirect_keeps_images_inline_and_sandboxed(settings, owner, secret_files):
    settings.ATTACHMENTS_ACCEL_REDIRECT_PREFIX = "/protected-media"
    image = secret_files[Attachment.Kind.IMAGE]
    response = _client(owner).get(reverse("communities:attachment_download", args=[image.pk]))
    assert response["X-Accel-Redirect"] == f"/protected-media/{image.file.name}"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_without_the_setting_the_view_streams_the_file(settings, owner, secret_files):
    settings.ATTACHMENTS_ACCEL_REDIRECT_PREFIX = ""
    document = secret_files[Attachment.Kind.FILE]
    response = _client(owner).get(reverse("communities:attachment_download", args=[document.pk]))
    assert "X-Accel-Redirect" not in response
    assert b"".join(response.streaming_content) == b"%PDF-1.7 minutes"  # type: ignore[attr-defined]
    document.file.delete(save=False)
    assert _client(owner).get(reverse("communities:attachment_download", args=[document.pk])).status_code == 404


def test_accel_redirect_query_count_is_pinned_and_constant(settings, owner, secret_files):
    """Session user, role map, the one visibility-filtered attachment lookup: however many files."""
    settings.ATTACHMENTS_ACCEL_REDIRECT_PREFIX = "/protected-media/"
    document = secret_files[Attachment.Kind.FILE]
    client = _client(add_person(document.post.community))
    url = reverse("communities:attachment_download", args=[document.pk])

    def add_rows(n: int) -> None:
        for _ in range(n):
            write_post(owner, document.post.community, attachments=[file_upload("more.pdf", b"%PDF-1.7 more")])

    assert_constant_queries(add_rows=add_rows, action=lambda: client.get(url), expected=ATTACHMENT_QUERIES)
