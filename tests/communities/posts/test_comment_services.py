"""Comments (one level of replies, locked posts), accepted answers and reactions."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from communities.core import services
from communities.models import Comment, Community, Mention, Post, Reaction
from communities.posts import services as post_services
from intranet.core.models import AuditEntry
from tests.communities.posts.conftest import Role, State, add_person, write_post
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _post(pk: int) -> Post:
    return Post.objects.select_related("community").get(pk=pk)


def test_comment_create_counts_and_activity(member, community, post):
    reader = UserFactory.create()  # public community: non-members may comment
    comment = post_services.comment_create(actor=reader, post=post, body="Nice @" + member.handle)
    fresh = _post(post.pk)
    assert fresh.comment_count == 1
    assert fresh.last_activity_at == comment.created_at
    assert Community.objects.get(pk=community.pk).last_activity_at == comment.created_at
    assert Mention.objects.get(comment=comment).user_id == member.pk


def test_replies_nest_one_level(member, post):
    top = post_services.comment_create(actor=member, post=post, body="top")
    reply = post_services.comment_create(actor=member, post=post, body="reply", parent=top)
    deeper = post_services.comment_create(actor=member, post=post, body="reply to reply", parent=reply)
    assert reply.parent_id == top.pk
    assert deeper.parent_id == top.pk
    assert _post(post.pk).comment_count == 3


def test_reply_to_comment_of_another_post_refused(member, community, post):
    other = write_post(member, community)
    foreign = post_services.comment_create(actor=member, post=other, body="there")
    with pytest.raises(ValidationError):
        post_services.comment_create(actor=member, post=post, body="x", parent=foreign)
    assert _post(post.pk).comment_count == 0


@pytest.mark.parametrize(("body", "message"), [("", "Write some text."), ("x" * 10_001, "at most 10000")])
def test_comment_bad_input(member, post, body, message):
    with pytest.raises(ValidationError) as caught:
        post_services.comment_create(actor=member, post=post, body=body)
    assert message in " ".join(caught.value.messages)
    assert not Comment.objects.exists() and _post(post.pk).comment_count == 0


def test_locked_post_refuses_comments_except_moderators(member, moderator, post):
    post_services.post_lock(actor=moderator, post=post)
    post = _post(post.pk)
    with pytest.raises(PermissionDenied):
        post_services.comment_create(actor=member, post=post, body="x")
    post_services.comment_create(actor=moderator, post=post, body="Closing note")
    assert _post(post.pk).comment_count == 1


def test_private_community_comments_need_membership(owner):
    private = services.community_create(actor=owner, name="Board", visibility=Community.Visibility.PRIVATE)
    post = write_post(owner, private)
    with pytest.raises(PermissionDenied):
        post_services.comment_create(actor=UserFactory.create(), post=post, body="x")
    with pytest.raises(PermissionDenied):
        post_services.comment_create(actor=add_person(private, state=State.PENDING), post=post, body="x")


def test_comment_update_and_delete(member, moderator, post, community):
    comment = post_services.comment_create(actor=member, post=post, body="first")
    with pytest.raises(PermissionDenied):
        post_services.comment_update(actor=add_person(community), comment=comment, body="not yours")
    post_services.comment_update(actor=member, comment=comment, body="second")
    comment.refresh_from_db()
    assert comment.body_source == "second" and comment.edited_at is not None
    with pytest.raises(PermissionDenied):
        post_services.comment_delete(actor=add_person(community), comment=comment)
    post_services.comment_delete(actor=moderator, comment=comment, reason="off topic")
    comment.refresh_from_db()
    assert comment.deleted_at is not None
    assert _post(post.pk).comment_count == 0
    assert AuditEntry.objects.get(action="comment.deleted").reason == "off topic"
    with pytest.raises(PermissionDenied):
        post_services.comment_delete(actor=member, comment=comment)
    assert _post(post.pk).comment_count == 0


def test_own_comment_delete_not_audited(member, post):
    comment = post_services.comment_create(actor=member, post=post, body="oops")
    post_services.comment_delete(actor=member, comment=comment)
    assert not AuditEntry.objects.filter(action="comment.deleted").exists()


# Accepted answers --------------------------------------------------------------------------------


@pytest.fixture
def question(member, community) -> Post:
    return write_post(member, community, kind=Post.Kind.QUESTION, title="How?")


def test_asker_accepts_and_withdraws(member, community, question):
    answerer = add_person(community)
    answer = post_services.comment_create(actor=answerer, post=question, body="Like this")
    post_services.answer_accept(actor=member, post=question, comment=answer)
    assert _post(question.pk).accepted_comment_id == answer.pk
    post_services.answer_unaccept(actor=member, post=_post(question.pk))
    assert _post(question.pk).accepted_comment_id is None


def test_manager_accepts_but_other_members_and_moderators_do_not(community, question, manager, moderator):
    answer = post_services.comment_create(actor=manager, post=question, body="a")
    for person in (add_person(community), moderator):
        with pytest.raises(PermissionDenied):
            post_services.answer_accept(actor=person, post=question, comment=answer)
    post_services.answer_accept(actor=manager, post=question, comment=answer)
    assert _post(question.pk).accepted_comment_id == answer.pk


def test_answer_only_on_questions(member, post):
    comment = post_services.comment_create(actor=member, post=post, body="a")
    with pytest.raises(PermissionDenied):
        post_services.answer_accept(actor=member, post=post, comment=comment)


def test_answer_must_belong_to_the_question(member, community, question, post):
    elsewhere = post_services.comment_create(actor=member, post=post, body="elsewhere")
    with pytest.raises(ValidationError):
        post_services.answer_accept(actor=member, post=question, comment=elsewhere)
    assert _post(question.pk).accepted_comment_id is None


def test_deleting_the_accepted_answer_unsets_it(member, question):
    answer = post_services.comment_create(actor=member, post=question, body="a")
    post_services.answer_accept(actor=member, post=question, comment=answer)
    post_services.comment_delete(actor=member, comment=answer)
    assert _post(question.pk).accepted_comment_id is None
    with pytest.raises(ValidationError):
        post_services.answer_accept(actor=member, post=_post(question.pk), comment=Comment.objects.get(pk=answer.pk))


# Reactions --------------------------------------------------------------------------------------


def test_reaction_toggle_keeps_counts_exact(member, community, post):
    people = [member, add_person(community), UserFactory.create()]
    for person in people:
        post_services.reaction_toggle(actor=person, post=post, kind="like")
    post_services.reaction_toggle(actor=people[0], post=post, kind="love")
    fresh = _post(post.pk)
    assert fresh.reaction_count == 4 and fresh.reaction_counts == {"like": 3, "love": 1}
    result = post_services.reaction_toggle(actor=people[1], post=fresh, kind="like")
    assert not result.added and result.reaction_counts == {"like": 2, "love": 1}
    post_services.reaction_toggle(actor=people[0], post=fresh, kind="love")
    fresh = _post(post.pk)
    assert fresh.reaction_count == 2 and fresh.reaction_counts == {"like": 2}
    assert Reaction.objects.count() == 2


def test_reactions_on_comments(member, post):
    comment = post_services.comment_create(actor=member, post=post, body="c")
    post_services.reaction_toggle(actor=member, comment=comment, kind="funny")
    comment.refresh_from_db()
    assert comment.reaction_counts == {"funny": 1} and comment.reaction_count == 1
    assert _post(post.pk).reaction_count == 0


def test_reaction_rejects_unknown_kind_and_outsiders(owner, post):
    with pytest.raises(ValidationError):
        post_services.reaction_toggle(actor=owner, post=post, kind="angry")
    private = services.community_create(actor=owner, name="Board", visibility=Community.Visibility.PRIVATE)
    secret_post = write_post(owner, private)
    with pytest.raises(PermissionDenied):
        post_services.reaction_toggle(actor=UserFactory.create(), post=secret_post, kind="like")
    assert not Reaction.objects.exists()


def test_banned_member_cannot_react(community, post):
    banned = add_person(community, Role.MEMBER, State.BANNED)
    with pytest.raises(PermissionDenied):
        post_services.reaction_toggle(actor=banned, post=post, kind="like")
