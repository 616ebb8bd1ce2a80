"""Fixtures for the post tests: a public community with an owner, people in every role, posts."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from communities.core import services
from communities.models import Community, Membership, Post
from intranet.accounts.models import User
from tests.communities.factories import MembershipFactory, add_person, write_post  # noqa: F401  (the tests import them from here)
from tests.factories import UserFactory

Role = Membership.Role
State = Membership.State


def image_upload(name: str = "photo.png", fmt: str = "PNG", size: tuple[int, int] = (40, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def file_upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def owner(db) -> User:
    return UserFactory.create()


@pytest.fixture
def community(owner) -> Community:
    return services.community_create(actor=owner, name="Solar Garden")


@pytest.fixture
def member(community) -> User:
    return add_person(community)


@pytest.fixture
def moderator(community) -> User:
    return add_person(community, Role.MODERATOR)


@pytest.fixture
def manager(community) -> User:
    return add_person(community, Role.MANAGER)


@pytest.fixture
def post(member, community) -> Post:
    return write_post(member, community)
