"""Services for posts: create, edit with revisions, soft delete, pin, lock; counters stay exact."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from communities.core import services
from communities.models import Community, Mention, Post, PostRevision
from communities.posts import services as post_services
from intranet.core.models import AuditEntry
from tests.communities.posts.conftest import Role, State, add_person, write_post
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _community(pk: int) -> Community:
    return Community.objects.get(pk=pk)


def test_post_create_renders_once_and_counts(member, community, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post = write_post(
            member, community, title="  Hello   world ", body="# Head\n\n**bold**", tags=["Solar", "solar", "PV"]
        )
    assert post.title == "Hello world"
    assert post.body_html == "<h2>Head</h2>\n<p><strong>bold</strong></p>\n"
    assert post.body_text == "Head bold"
    assert sorted(post.tags.names()) == ["PV", "Solar"]
    fresh = _community(community.pk)
    assert fresh.post_count == 1
    assert fresh.last_activity_at == post.created_at
    # One outbox relay for the post.created event, whose subscribers are the notification fan-out and
    # the live update (before the outbox: one on-commit callback each).
    assert len(callbacks) == 1


def test_post_create_resolves_mentions_only_to_readers(member, community, owner):
    anna = add_person(community, handle="anna")
    outsider = UserFactory.create(handle="otto")  # may read a public community
    banned = add_person(community, state=State.BANNED, handle="bert")
    post = write_post(member, community, body="Hi @anna, @otto, @bert and @nobody!")
    mentioned = set(Mention.objects.filter(post=post).values_list("user_id", flat=True))
    assert mentioned == {anna.pk, outsider.pk}
    assert 'class="mention"' in post.body_html
    assert "@bert" in post.body_html and "@nobody" in post.body_html
    assert f'href="{banned.get_absolute_url()}"' not in post.body_html


def test_private_community_mentions_only_members(owner):
    private = services.community_create(actor=owner, name="Board", visibility=Community.Visibility.PRIVATE)
    inside = add_person(private, handle="inside")
    UserFactory.create(handle="outside")
    staff = UserFactory.create(handle="boss", is_staff=True)
    post = write_post(owner, private, body="@inside @outside @boss")
    assert set(Mention.objects.filter(post=post).values_list("user_id", flat=True)) == {inside.pk, staff.pk}


def test_unknown_mention_stays_text(member, community):
    post = write_post(member, community, body="Ask @ghost about it")
    assert post.body_html == "<p>Ask @ghost about it</p>\n"
    assert not Mention.objects.exists()


@pytest.mark.parametrize(
    ("title", "body", "field", "message"),
    [
        ("", "text", "title", "Give your post a title."),
        ("   ", "text", "title", "Give your post a title."),
        ("x" * 201, "text", "title", "The title may have at most 200 characters."),
        ("Title", "", "body", "Write some text."),
        ("Title", " \n ", "body", "Write some text."),
        ("Title", "x" * 20_001, "body", "The text may have at most 20000 characters."),
    ],
)
def test_post_create_rejects_bad_input(member, community, title, body, field, message):
    with pytest.raises(ValidationError) as caught:
        write_post(member, community, title=title, body=body)
    assert caught.value.message_dict[field] == [message]
    assert not Post.objects.exists()
    assert _community(community.pk).post_count == 0


def test_post_create_reports_every_bad_field_together(member, community):
    with pytest.raises(ValidationError) as caught:
        write_post(member, community, title="", body="", tags=["x" * 51])
    assert set(caught.value.message_dict) == {"title", "body", "tags"}


def test_limits_are_inclusive(member, community):
    post = write_post(member, community, title="t" * 200, body="b" * 20_000)
    assert len(post.title) == 200 and len(post.body_source) == 20_000


def test_post_create_unknown_kind(member, community):
    with pytest.raises(ValidationError) as caught:
        write_post(member, community, kind="poll")
    assert "kind" in caught.value.message_dict


def test_announcements_only_by_managers(member, manager, community):
    with pytest.raises(PermissionDenied):
        write_post(member, community, kind=Post.Kind.ANNOUNCEMENT)
    post = write_post(manager, community, kind=Post.Kind.ANNOUNCEMENT)
    assert post.kind == Post.Kind.ANNOUNCEMENT


@pytest.mark.parametrize("state", [State.PENDING, State.INVITED, State.BANNED])
def test_only_active_members_post(community, state):
    person = add_person(community, state=state)
    with pytest.raises(PermissionDenied):
        write_post(person, community)
    with pytest.raises(PermissionDenied):
        write_post(UserFactory.create(), community)
    assert not Post.objects.exists()


def test_archived_community_refuses_posts(owner, member, community):
    services.community_archive(actor=owner, community=community)
    with pytest.raises(PermissionDenied):
        write_post(member, _community(community.pk))


def test_post_update_keeps_revisions_and_resyncs_mentions(member, community):
    anna = add_person(community, handle="anna")
    bert = add_person(community, handle="bert")
    post = write_post(member, community, title="First", body="Hi @anna")
    post_services.post_update(actor=member, post=post, title="Second", body="Hi @bert")
    post.refresh_from_db()
    post_services.post_update(actor=member, post=post, body="Hi @bert, again")
    post.refresh_from_db()
    revisions = list(PostRevision.objects.filter(post=post).order_by("id"))
    assert [(r.title, r.body_source) for r in revisions] == [("First", "Hi @anna"), ("Second", "Hi @bert")]
    assert revisions[0].edited_by_id == member.pk
    assert post.title == "Second" and post.body_source == "Hi @bert, again"
    assert post.edited_by_id == member.pk and post.edited_at is not None
    assert set(Mention.objects.filter(post=post).values_list("user_id", flat=True)) == {bert.pk}
    assert anna.pk not in set(Mention.objects.values_list("user_id", flat=True))


def test_post_update_without_change_writes_no_revision(member, post):
    post_services.post_update(actor=member, post=post, title=post.title, body=post.body_source)
    assert not PostRevision.objects.exists()


def test_post_update_by_moderator_is_audited_and_others_refused(member, moderator, community, post):
    other = add_person(community)
    with pytest.raises(PermissionDenied):
        post_services.post_update(actor=other, post=post, title="Mine now")
    post_services.post_update(actor=moderator, post=post, title="Tidied", reason="tidy")
    entry = AuditEntry.objects.get(action="post.edited")
    assert entry.actor_id == moderator.pk and (entry.before or {})["title"] == "A title"


def test_post_update_rejects_bad_input_and_keeps_post(member, post):
    with pytest.raises(ValidationError):
        post_services.post_update(actor=member, post=post, body="")
    post.refresh_from_db()
    assert post.body_source == "Some **text**." and not PostRevision.objects.exists()


def test_post_update_tags(member, post):
    post_services.post_update(actor=member, post=post, tags=["Energy"])
    assert list(post.tags.names()) == ["Energy"]


def test_post_delete_is_soft_and_counts(member, community, post):
    write_post(member, community)
    assert _community(community.pk).post_count == 2
    post_services.post_delete(actor=member, post=post)
    post.refresh_from_db()
    assert post.deleted_at is not None
    assert _community(community.pk).post_count == 1
    assert not AuditEntry.objects.filter(action="post.deleted").exists()
    with pytest.raises(PermissionDenied):
        post_services.post_delete(actor=member, post=post)
    assert _community(community.pk).post_count == 1


def test_post_delete_by_moderator_is_audited(moderator, community, post):
    post_services.post_delete(actor=moderator, post=post, reason="spam")
    entry = AuditEntry.objects.get(action="post.deleted")
    assert entry.reason == "spam" and entry.actor_id == moderator.pk


def test_post_delete_refused_for_others(community, post):
    with pytest.raises(PermissionDenied):
        post_services.post_delete(actor=add_person(community), post=post)
    post.refresh_from_db()
    assert post.deleted_at is None


def test_pin_and_lock_by_moderators_audited(member, moderator, post):
    with pytest.raises(PermissionDenied):
        post_services.post_pin(actor=member, post=post)
    with pytest.raises(PermissionDenied):
        post_services.post_lock(actor=member, post=post)
    post_services.post_pin(actor=moderator, post=post)
    post_services.post_lock(actor=moderator, post=post)
    post.refresh_from_db()
    assert post.is_pinned and post.pinned_at is not None and post.is_locked
    post_services.post_unpin(actor=moderator, post=post)
    post_services.post_unlock(actor=moderator, post=post)
    post.refresh_from_db()
    assert not post.is_pinned and post.pinned_at is None and not post.is_locked
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions[-4:] == ["post.pinned", "post.locked", "post.unpinned", "post.unlocked"]


def test_coordinator_who_is_no_member_moderates(post):
    staff = UserFactory.create(is_staff=True)
    post_services.post_pin(actor=staff, post=post)
    post_services.post_delete(actor=staff, post=post)
    post.refresh_from_db()
    assert post.deleted_at is not None


def test_manager_of_another_community_cannot_moderate(post):
    elsewhere = services.community_create(actor=UserFactory.create(), name="Elsewhere")
    other_manager = add_person(elsewhere, Role.MANAGER)
    with pytest.raises(PermissionDenied):
        post_services.post_pin(actor=other_manager, post=post)
