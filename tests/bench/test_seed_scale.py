"""``manage.py seed_scale``: the reference-scale generator, run at a tiny size."""

from __future__ import annotations

import io
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.postgres.search import SearchQuery
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Q

from bench.dataset import generate
from communities.models import Comment, Community, Membership, Post, PostRevision
from intranet.accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SMALL = ["--scale", "0.001", "--posts", "600", "--until", "2026-01-31", "--no-analyze"]


def seed(*extra: str) -> str:
    out = io.StringIO()
    call_command("seed_scale", *SMALL, *extra, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def first_rows(table: str, columns: str, n: int = 5) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} ORDER BY id LIMIT %s", [n])  # noqa: S608 - test constants
        return list(cursor.fetchall())


def snapshot() -> dict[str, Any]:
    return {
        "counts": generate.table_counts(),
        "users": first_rows("accounts_user", "id, email, display_name, handle, search_name, date_joined"),
        "communities": first_rows(
            "communities_community", "id, name, slug, visibility, join_policy, member_count, post_count"
        ),
        "memberships": first_rows("communities_membership", "id, user_id, community_id, role, state, created_at"),
        "posts": first_rows("communities_post", "id, title, body_text, created_at, comment_count, reaction_counts"),
        "comments": first_rows("communities_comment", "id, post_id, parent_id, body_source, created_at"),
    }


def test_same_seed_gives_the_same_data_and_another_seed_does_not():
    output = seed()
    first = snapshot()
    assert "Seeded scale 0.001 with seed 1" in output
    assert "communities_post" in output

    seed("--force")
    assert snapshot() == first

    seed("--force", "--seed", "2")
    other = snapshot()
    assert other["users"] != first["users"]
    assert other["posts"] != first["posts"]


def test_sizes_follow_the_scale():
    seed()
    counts = generate.table_counts()
    assert counts["accounts_user"] == 100
    assert counts["accounts_profile"] == 100
    assert counts["communities_community"] == 15
    assert counts["communities_post"] == 600
    assert counts["communities_comment"] > 100
    assert counts["communities_reaction"] > 100
    # About 15 memberships per person, capped by the number of people per community.
    assert 800 <= counts["communities_membership"] <= 1500


def test_people_can_log_in_with_verified_addresses_and_have_searchable_names():
    seed()
    user = User.objects.order_by("id").first()
    assert user is not None
    assert user.email == f"user1@{generate.EMAIL_DOMAIN}"
    assert user.check_password(generate.PASSWORD)
    assert EmailAddress.objects.filter(user=user, email=user.email, verified=True, primary=True).exists()
    assert User.objects.values("handle").distinct().count() == User.objects.count()
    # Umlauts and accents are there, with both transliterations in search_name.
    accented = User.objects.filter(display_name__regex=r"[äöüÄÖÜéèß]")
    assert accented.exists()
    assert all(u.search_name.isascii() for u in accented)
    assert User.objects.filter(profile__department__gt="").count() == User.objects.count()


def test_every_stored_counter_is_exact():
    seed()
    for community in Community.objects.annotate(
        active=Count("memberships", filter=Q(memberships__state="active"), distinct=True),
        published=Count("posts", filter=Q(posts__status="published", posts__deleted_at__isnull=True), distinct=True),
    ):
        assert community.member_count == getattr(community, "active")  # noqa: B009 - an annotation
        assert community.post_count == getattr(community, "published")  # noqa: B009
        latest = (
            Post.objects.published()
            .filter(community=community)
            .order_by("-last_activity_at")
            .values_list("last_activity_at", flat=True)
            .first()
        )
        assert community.last_activity_at == max(filter(None, [latest, community.created_at]))

    for post in Post.objects.annotate(
        live=Count("comments", filter=Q(comments__deleted_at__isnull=True, comments__status="published"))
    ):
        assert post.comment_count == getattr(post, "live")  # noqa: B009 - an annotation
        kinds: dict[str, int] = {}
        for kind in post.reactions.values_list("kind", flat=True):
            kinds[kind] = kinds.get(kind, 0) + 1
        assert post.reaction_counts == kinds
        assert post.reaction_count == sum(kinds.values())
        last_comment = post.comments.order_by("-created_at").values_list("created_at", flat=True).first()
        assert post.last_activity_at == max(filter(None, [post.created_at, last_comment]))

    for comment in Comment.objects.filter(reaction_count__gt=0)[:50]:
        assert comment.reaction_count == comment.reactions.count()
    assert Comment.objects.filter(reaction_count__gt=0).exists()


def test_every_visibility_policy_role_state_and_kind_is_present():
    seed()
    assert set(Community.objects.values_list("visibility", flat=True)) == set(Community.Visibility.values)
    assert set(Community.objects.values_list("join_policy", flat=True)) == set(Community.JoinPolicy.values)
    assert set(Community.objects.values_list("language", flat=True)) == {"de", "en"}
    assert set(Membership.objects.values_list("role", flat=True)) == set(Membership.Role.values)
    assert set(Membership.objects.values_list("state", flat=True)) == set(Membership.State.values)
    assert set(Post.objects.values_list("kind", flat=True)) == set(Post.Kind.values)
    assert Post.objects.filter(kind="question", accepted_comment__isnull=False).exists()
    assert Post.objects.filter(kind="question", accepted_comment__isnull=True).exists()
    assert Comment.objects.filter(parent__isnull=False).exists()
    # Accepted answers belong to their question.
    for post in Post.objects.filter(accepted_comment__isnull=False).select_related("accepted_comment"):
        assert post.accepted_comment is not None
        assert post.accepted_comment.post_id == post.pk


def test_each_community_has_exactly_one_active_owner_who_created_it():
    seed()
    for community in Community.objects.annotate(
        owners=Count("memberships", filter=Q(memberships__role="owner", memberships__state="active"))
    ):
        assert getattr(community, "owners") == 1  # noqa: B009 - an annotation
        assert Membership.objects.get(community=community, role="owner").user_id == community.created_by_id


def test_authors_are_active_members_of_the_community():
    seed()
    active = set(Membership.objects.filter(state="active").values_list("community_id", "user_id"))
    assert all(pair in active for pair in Post.objects.values_list("community_id", "author_id"))


def test_full_text_search_finds_generated_words():
    seed()
    # The most frequent vocabulary words of each language are the first real words.
    german = generate.GERMAN_WORDS[0]
    english = generate.ENGLISH_WORDS[0]
    assert Post.objects.filter(search_vector=SearchQuery(german, config="german")).exists()
    assert Post.objects.filter(search_vector=SearchQuery(english, config="english")).exists()
    title_word = Post.objects.order_by("id").first().title.split()[0]  # type: ignore[union-attr]
    assert Post.objects.filter(search_vector=SearchQuery(title_word, config="english")).exists()
    assert Community.objects.exclude(search_vector=None).count() == Community.objects.count()


def test_sequences_continue_after_the_generated_ids():
    seed()
    user = UserFactory.create()
    assert user.pk > 100
    assert Community.objects.create(name="After", slug="after").pk > 15


def test_refuses_a_database_with_data_unless_forced_and_keeps_other_people():
    existing = UserFactory.create()
    with pytest.raises(CommandError, match="--force"):
        seed()
    assert not Community.objects.exists()

    seed("--force")
    assert User.objects.filter(pk=existing.pk).exists()
    assert User.objects.count() == 101
    assert User.objects.exclude(pk=existing.pk).order_by("id").first().pk == existing.pk + 1  # type: ignore[union-attr]

    # A second forced run replaces the generated rows and still keeps the other person.
    seed("--force")
    assert User.objects.count() == 101
    assert Post.objects.count() == 600


def test_forced_run_refuses_when_other_data_depends_on_generated_rows():
    seed()
    post = Post.objects.order_by("id").first()
    assert post is not None
    PostRevision.objects.create(post=post, title="old", body_source="old")
    with pytest.raises(CommandError, match="communities_postrevision"):
        seed("--force")
    assert Post.objects.count() == 600


def test_the_sql_recount_agrees_with_the_counters_written_while_generating():
    seed()
    columns = "id, comment_count, reaction_count, reaction_counts, last_activity_at"
    before = first_rows("communities_post", columns, 600)
    comments = first_rows("communities_comment", "id, reaction_count, reaction_counts", 10_000)
    generate.recount(posts_and_comments=True)
    assert first_rows("communities_post", columns, 600) == before
    assert first_rows("communities_comment", "id, reaction_count, reaction_counts", 10_000) == comments


def test_tags_skills_follows_and_notifications_are_generated_consistently():
    seed()
    counts = generate.table_counts()
    for table in (
        "communities_taggedcommunity",
        "communities_taggedpost",
        "accounts_taggedskill",
        "accounts_follow",
        "notifications_notification",
    ):
        assert counts[table] > 0, table
    # The denormalised tag names match the tag rows, as the services write them.
    for community in Community.objects.prefetch_related("tags"):  # type: ignore[misc]  # taggit
        assert community.tag_names == ", ".join(sorted(tag.name for tag in community.tags.all()))
    with connection.cursor() as cursor:
        # Nobody is notified of their own action, and only the kinds communities registers appear.
        cursor.execute("SELECT count(*) FROM notifications_notification WHERE recipient_id = actor_id")
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT DISTINCT kind FROM notifications_notification")
        kinds = {row[0] for row in cursor.fetchall()}
        assert kinds <= {"post.mention", "post.reply", "question.answer", "answer.accepted", "post.reactions"}
        assert "post.reply" in kinds
        # The batched reactions row counts the people who reacted, the author aside.
        cursor.execute(
            """SELECT n.count, (SELECT count(DISTINCT r.user_id) FROM communities_reaction r
                                WHERE r.post_id = p.id AND r.user_id <> p.author_id)
               FROM notifications_notification n
               JOIN communities_post p ON n.event_key = 'post.reactions:' || p.id
               WHERE n.kind = 'post.reactions'"""
        )
        pairs = cursor.fetchall()
        assert pairs
        assert all(stored == actual for stored, actual in pairs)
        # Notifications point at live posts the recipient can read (an active member).
        cursor.execute(
            """SELECT count(*) FROM notifications_notification n
               JOIN communities_post p ON n.url LIKE '/posts/' || p.id || '/%%'
               LEFT JOIN communities_membership m
                 ON m.community_id = p.community_id AND m.user_id = n.recipient_id AND m.state = 'active'
               WHERE p.deleted_at IS NOT NULL OR p.status <> 'published' OR m.id IS NULL"""
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT count(*) FROM accounts_follow WHERE follower_id = followee_id")
        assert cursor.fetchone()[0] == 0
