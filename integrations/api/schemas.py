"""Input and output shapes of the API (pydantic through django-ninja)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.urls import reverse
from ninja import Field, Schema
from pydantic import AfterValidator


def _storable(value: str) -> str:
    """Text PostgreSQL can hold: no NUL, no lone surrogates (a 422, never a 500)."""
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    try:
        value.encode()
    except UnicodeEncodeError:
        raise ValueError("text must be valid Unicode") from None
    return value


Text = Annotated[str, AfterValidator(_storable)]
Slug = Annotated[str, Field(pattern=r"^[-a-zA-Z0-9_]+$", min_length=1, max_length=80)]
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Cursor = Annotated[str, Field(max_length=1000, pattern=r"^[-A-Za-z0-9_:.]*$")]


class PersonRef(Schema):
    handle: str
    name: str


def person_ref(user: Any) -> PersonRef | None:
    if user is None:
        return None
    return PersonRef(handle=user.handle, name=user.display_name)


class CommunityOut(Schema):
    slug: str
    name: str
    description: str
    purpose: str
    category: str | None
    language: str
    visibility: str
    join_policy: str
    is_official: bool
    lifecycle: str
    member_count: int
    post_count: int
    created_at: dt.datetime
    last_activity_at: dt.datetime
    url: str

    @staticmethod
    def of(community: Any) -> CommunityOut:
        return CommunityOut(
            slug=community.slug,
            name=community.name,
            description=community.description,
            purpose=community.purpose,
            category=community.category.slug if community.category_id else None,
            language=community.language,
            visibility=community.visibility,
            join_policy=community.join_policy,
            is_official=community.is_official,
            lifecycle=community.lifecycle,
            member_count=community.member_count,
            post_count=community.post_count,
            created_at=community.created_at,
            last_activity_at=community.last_activity_at,
            url=reverse("communities:community_detail", kwargs={"slug": community.slug}),
        )


class CommunityPage(Schema):
    items: list[CommunityOut]
    next_cursor: str | None


Visibility = Literal["public", "private", "secret"]
JoinPolicy = Literal["open", "request", "invite"]
Language = Literal["de", "en"]


class CommunityIn(Schema):
    name: Annotated[Text, Field(min_length=1, max_length=120)]
    slug: Annotated[str, Field(pattern=r"^[-a-z0-9]*$", max_length=80)] = ""
    description: Annotated[Text, Field(max_length=5000)] = ""
    purpose: Annotated[Text, Field(max_length=2000)] = ""
    category: Slug | None = None
    tags: list[Annotated[Text, Field(max_length=50)]] = Field(default_factory=list, max_length=20)
    language: Language = "de"
    visibility: Visibility = "public"
    join_policy: JoinPolicy = "open"


class CommunityPatch(Schema):
    name: Annotated[Text, Field(min_length=1, max_length=120)] | None = None
    description: Annotated[Text, Field(max_length=5000)] | None = None
    purpose: Annotated[Text, Field(max_length=2000)] | None = None
    category: Slug | None = None
    tags: list[Annotated[Text, Field(max_length=50)]] | None = Field(default=None, max_length=20)
    language: Language | None = None
    visibility: Visibility | None = None
    join_policy: JoinPolicy | None = None


class MembershipOut(Schema):
    id: int
    community: str
    person: PersonRef
    role: str
    state: str

    @staticmethod
    def of(membership: Any, community: Any) -> MembershipOut:
        person = person_ref(membership.user)
        assert person is not None
        return MembershipOut(
            id=membership.pk, community=community.slug, person=person, role=membership.role, state=membership.state
        )


class MembershipRequestIn(Schema):
    message: Annotated[Text, Field(max_length=1000)] = ""


class DecisionIn(Schema):
    approve: bool
    message: Annotated[Text, Field(max_length=1000)] = ""


class RoleIn(Schema):
    role: Literal["owner", "manager", "moderator", "member"]


class PostOut(Schema):
    id: int
    community: str
    kind: str
    title: str
    author: PersonRef | None
    created_at: dt.datetime
    last_activity_at: dt.datetime
    is_pinned: bool
    is_locked: bool
    comment_count: int
    reaction_counts: dict[str, int]
    accepted_comment_id: int | None
    url: str


class PostDetailOut(PostOut):
    body: str
    body_html: str


def post_out(post: Any, *, community_slug: str, detail: bool = False) -> PostOut:
    fields: dict[str, Any] = {
        "id": post.pk,
        "community": community_slug,
        "kind": post.kind,
        "title": post.title,
        "author": person_ref(post.author),
        "created_at": post.created_at,
        "last_activity_at": post.last_activity_at,
        "is_pinned": post.is_pinned,
        "is_locked": post.is_locked,
        "comment_count": post.comment_count,
        "reaction_counts": {k: int(v) for k, v in (post.reaction_counts or {}).items()},
        "accepted_comment_id": post.accepted_comment_id,
        "url": post.get_absolute_url(),
    }
    if detail:
        return PostDetailOut(**fields, body=post.body_source, body_html=post.body_html)
    return PostOut(**fields)


class PostPage(Schema):
    items: list[PostOut]
    next_cursor: str | None


class PostIn(Schema):
    kind: Literal["discussion", "question", "announcement"] = "discussion"
    title: Annotated[Text, Field(min_length=1, max_length=200)]
    body: Annotated[Text, Field(max_length=20000)] = ""
    tags: list[Annotated[Text, Field(max_length=50)]] = Field(default_factory=list, max_length=10)


class PostPatch(Schema):
    title: Annotated[Text, Field(min_length=1, max_length=200)] | None = None
    body: Annotated[Text, Field(max_length=20000)] | None = None
    tags: list[Annotated[Text, Field(max_length=50)]] | None = Field(default=None, max_length=10)
    #: Required when a moderator edits someone else's post: the author reads it.
    reason: Annotated[Text, Field(max_length=500)] = ""


class CommentOut(Schema):
    id: int
    post_id: int
    parent_id: int | None
    author: PersonRef | None
    body: str
    body_html: str
    created_at: dt.datetime
    deleted: bool
    replies: list[CommentOut] = []


def comment_out(comment: Any, *, with_replies: bool = False) -> CommentOut:
    deleted = comment.deleted_at is not None
    return CommentOut(
        id=comment.pk,
        post_id=comment.post_id,
        parent_id=comment.parent_id,
        author=None if deleted else person_ref(comment.author),
        body="" if deleted else comment.body_source,
        body_html="" if deleted else comment.body_html,
        created_at=comment.created_at,
        deleted=deleted,
        replies=[comment_out(r) for r in getattr(comment, "reply_list", [])] if with_replies else [],
    )


class CommentPage(Schema):
    items: list[CommentOut]
    next_cursor: str | None


class CommentIn(Schema):
    body: Annotated[Text, Field(min_length=1, max_length=10000)]
    parent_id: Id | None = None


class CommentPatch(Schema):
    body: Annotated[Text, Field(min_length=1, max_length=10000)]
    reason: Annotated[Text, Field(max_length=500)] = ""


class ReactionIn(Schema):
    kind: Literal["like", "love", "celebrate", "insightful", "funny"]


class ReactionOut(Schema):
    added: bool
    reaction_counts: dict[str, int]


class AcceptIn(Schema):
    comment_id: Id | None
