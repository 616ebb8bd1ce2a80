"""The eraser's behaviours one by one: mentions render "former employee", posts anonymised or deleted
as ``ERASURE_POSTS`` says, direct messages deleted or anonymised as ``ERASURE_DIRECT_MESSAGES`` says,
files gone from storage, sessions no longer sign the person in, ownership handed over first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from communities.core.services import community_create
from communities.core.services.membership import membership_join
from communities.models import Community, Membership
from communities.posts.models import Attachment, Comment, Mention, Post
from communities.posts.services.comments import comment_create
from communities.posts.services.posts import post_create
from intranet.accounts.erasure.eraser import person_erase
from intranet.accounts.erasure.placeholder import former_employee
from intranet.accounts.models import User
from intranet.core.erasure import ErasureContext, register_erasure_step
from intranet.core.erasure import _steps as registered_steps
from intranet.messaging.models import Conversation, Message
from intranet.messaging.services import conversation_start, message_send
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    owner = UserFactory.create(display_name="Olga Owner")
    person = UserFactory.create(display_name="Erika Beispiel", handle="erika.beispiel")
    community = community_create(actor=owner, name="Erasure Club")
    membership_join(actor=person, community=community)
    return {"owner": owner, "person": person, "community": community}


def test_mentions_of_the_person_render_former_employee(world: dict[str, Any]) -> None:
    post = post_create(
        actor=world["owner"], community=world["community"], title="Thanks", body="Thanks @erika.beispiel and all!"
    )
    comment = comment_create(actor=world["owner"], post=post, body="Yes, @erika.beispiel.")
    assert Mention.objects.filter(user=world["person"]).count() == 2
    person_erase(user_id=world["person"].pk)
    post.refresh_from_db()
    comment.refresh_from_db()
    for text in (post.body_source, post.body_html, post.body_text, comment.body_source, comment.body_html):
        assert "erika" not in text.lower() and "Erika" not in text
    assert "@former-employee" in post.body_source and "@former-employee" in post.body_html
    assert "@former-employee." in comment.body_source
    assert not Mention.objects.exists()


def test_posts_stay_under_former_employee_by_default(world: dict[str, Any], settings: Any) -> None:
    settings.ERASURE_POSTS = "anonymise"
    post = post_create(actor=world["person"], community=world["community"], title="Mine", body="My words")
    reply = comment_create(actor=world["owner"], post=post, body="Good point")
    person_erase(user_id=world["person"].pk)
    post.refresh_from_db()
    assert post.author == former_employee() and post.author.display_name == "Former employee"
    assert Comment.objects.get(pk=reply.pk).post_id == post.pk  # the conversation keeps its sense


def test_posts_and_comments_go_when_set_to_delete(world: dict[str, Any], settings: Any) -> None:
    settings.ERASURE_POSTS = "delete"
    post = post_create(actor=world["person"], community=world["community"], title="Mine", body="My words")
    theirs = post_create(actor=world["owner"], community=world["community"], title="Theirs", body="Hello")
    comment_create(actor=world["person"], post=theirs, body="Hi")
    person_erase(user_id=world["person"].pk)
    assert not Post.objects.filter(pk=post.pk).exists()
    theirs.refresh_from_db()
    assert theirs.comment_count == 0 and not Comment.objects.exists()
    assert Community.objects.get(pk=world["community"].pk).post_count == 1


@pytest.mark.parametrize("mode", ["delete", "anonymise"])
def test_direct_messages_as_set(world: dict[str, Any], settings: Any, mode: str) -> None:
    settings.ERASURE_DIRECT_MESSAGES = mode
    colleague = UserFactory.create()
    conversation, _first = conversation_start(actor=world["person"], recipients=[colleague], body="Secret plan")
    message_send(actor=colleague, conversation=conversation, body="Sounds good")
    person_erase(user_id=world["person"].pk)
    conversation = Conversation.objects.get(pk=conversation.pk)
    bodies = list(Message.objects.filter(conversation=conversation).values_list("body_source", "author_id"))
    if mode == "delete":
        assert bodies == [("Sounds good", colleague.pk)]
        assert conversation.last_message_preview == "Sounds good"
    else:
        assert sorted(bodies) == sorted([("Secret plan", former_employee().pk), ("Sounds good", colleague.pk)])


def test_uploaded_files_and_avatar_leave_storage(
    world: dict[str, Any], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.files.base import ContentFile

    profile = world["person"].profile
    profile.avatar.save("a.webp", ContentFile(b"RIFF"), save=True)
    post_create(
        actor=world["person"],
        community=world["community"],
        title="File",
        body="See attached",
        attachments=[SimpleUploadedFile("plan.txt", b"the plan\n", "text/plain")],
    )
    media = Path(settings.MEDIA_ROOT)
    assert len([p for p in media.rglob("*") if p.is_file()]) == 2
    with django_capture_on_commit_callbacks(execute=True):
        person_erase(user_id=world["person"].pk)
    assert [p for p in media.rglob("*") if p.is_file()] == []
    assert not Attachment.objects.exists()


def test_sessions_stop_and_ownership_is_handed_over_first(world: dict[str, Any]) -> None:
    community = community_create(actor=world["person"], name="Erika's own")
    membership_join(actor=world["owner"], community=community)
    browser = Client()
    assert browser.login(email=world["person"].email, password=PASSWORD)
    assert browser.get("/people/").status_code == 200
    person_erase(user_id=world["person"].pk)
    assert not User.objects.filter(pk=world["person"].pk).exists()
    assert browser.get("/people/").status_code == 302  # signed out: back to the sign-in page
    owner = Membership.objects.get(community=community, role=Membership.Role.OWNER)
    assert owner.user_id == world["owner"].pk


def test_domain_apps_hook_extra_steps(world: dict[str, Any]) -> None:
    seen: list[int] = []

    def step(ctx: ErasureContext) -> None:
        seen.append(ctx.user.pk)
        ctx.count("tests.Step", "ran", 1)

    register_erasure_step("tests.extra", step, order=99)
    try:
        counts = person_erase(user_id=world["person"].pk)
    finally:
        registered_steps.pop("tests.extra")
    assert seen == [world["person"].pk] and counts["tests.Step"] == {"ran": 1}


def test_the_placeholder_cannot_be_erased(db: Any) -> None:
    with pytest.raises(ValueError, match="placeholder"):
        person_erase(user_id=former_employee().pk)
