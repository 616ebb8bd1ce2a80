"""Posts and comments: a community's stream by keyset, create, edit, delete, react, accept an
answer; the same selectors and services as the post pages."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field as NField
from ninja import Path, Query, Router, Schema, Status

from communities.core.selectors import community_get_for_viewer
from communities.posts.selectors import (
    comment_get_for_action,
    comment_list_for_post,
    comment_of_post_get,
    post_get_for_action,
    post_get_for_viewer,
    post_list_for_community,
)
from communities.posts.services.comments import (
    answer_accept,
    answer_unaccept,
    comment_create,
    comment_delete,
    comment_update,
)
from communities.posts.services.posts import post_create, post_delete, post_update
from communities.posts.services.reactions import reaction_toggle

from ..auth import READ, WRITE
from ..conditional import check_if_match
from ..idempotency import run_idempotent
from ..problems import COMMON_ERRORS, Problem
from ..schemas import (
    AcceptIn,
    CommentIn,
    CommentOut,
    CommentPage,
    CommentPatch,
    Cursor,
    Id,
    PostDetailOut,
    PostIn,
    PostPage,
    PostPatch,
    ReactionIn,
    ReactionOut,
    Slug,
    comment_out,
    post_out,
)

router = Router(tags=["posts"])


class StreamQuery(Schema):
    kind: Annotated[str, NField(pattern=r"^(all|discussion|question|announcement|unanswered)$")] = "all"
    cursor: Cursor | None = None
    limit: Annotated[int, NField(ge=1, le=100)] = 20


class PageQuery(Schema):
    cursor: Cursor | None = None
    limit: Annotated[int, NField(ge=1, le=100)] = 20


def _viewer(request: HttpRequest) -> Any:
    return request.viewer  # type: ignore[attr-defined]


@router.get(
    "/communities/{slug}/posts", response={200: PostPage, **COMMON_ERRORS}, auth=READ, summary="A community's posts"
)
def post_stream(request: HttpRequest, slug: Path[Slug], params: Query[StreamQuery]) -> Any:
    """Pinned posts first (on the first page), then the others newest first, by keyset."""
    viewer = _viewer(request)
    community = community_get_for_viewer(viewer, slug)
    stream = post_list_for_community(viewer, community, params.kind, params.cursor, page_size=params.limit)
    posts = [*stream.pinned_posts, *stream.posts_page.items]
    return PostPage(
        items=[post_out(p, community_slug=community.slug) for p in posts], next_cursor=stream.posts_page.next_cursor
    )


@router.post(
    "/communities/{slug}/posts", response={201: PostDetailOut, **COMMON_ERRORS}, auth=WRITE, summary="Start a post"
)
def post_create_endpoint(request: HttpRequest, slug: Path[Slug], data: PostIn) -> Any:
    viewer = _viewer(request)
    community = community_get_for_viewer(viewer, slug)

    def create() -> Any:
        post = post_create(
            actor=viewer, community=community, kind=data.kind, title=data.title, body=data.body, tags=data.tags
        )
        post.author = viewer.user
        return post_out(post, community_slug=community.slug, detail=True)

    return run_idempotent(request, create)


def _post_detail(request: HttpRequest, post_id: int) -> PostDetailOut:
    post = post_get_for_viewer(_viewer(request), post_id)
    out = post_out(post, community_slug=post.community.slug, detail=True)
    assert isinstance(out, PostDetailOut)
    return out


@router.get("/posts/{post_id}", response={200: PostDetailOut, **COMMON_ERRORS}, auth=READ, summary="One post")
def post_detail(request: HttpRequest, post_id: Path[Id]) -> Any:
    return _post_detail(request, post_id)


@router.patch(
    "/posts/{post_id}", response={200: PostDetailOut, 412: Problem, **COMMON_ERRORS}, auth=WRITE, summary="Edit"
)
def post_edit(request: HttpRequest, post_id: Path[Id], data: PostPatch) -> Any:
    """Edit a post (author, moderators and above); ``If-Match`` guards lost updates."""
    check_if_match(request, _post_detail(request, post_id))
    viewer = _viewer(request)
    post = post_get_for_action(viewer, post_id)
    changes = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None}
    post_update(actor=viewer, post=post, **changes)  # "reason" included: the service's own argument
    return _post_detail(request, post_id)


@router.delete("/posts/{post_id}", response={204: None, **COMMON_ERRORS}, auth=WRITE, summary="Delete a post")
def post_remove(request: HttpRequest, post_id: Path[Id]) -> Any:
    viewer = _viewer(request)
    post_delete(actor=viewer, post=post_get_for_action(viewer, post_id))
    return Status(204, None)


@router.post(
    "/posts/{post_id}/reactions", response={200: ReactionOut, **COMMON_ERRORS}, auth=WRITE, summary="React (toggle)"
)
def post_react(request: HttpRequest, post_id: Path[Id], data: ReactionIn) -> Any:
    viewer = _viewer(request)
    result = reaction_toggle(actor=viewer, kind=data.kind, post=post_get_for_action(viewer, post_id))
    return ReactionOut(added=result.added, reaction_counts=result.reaction_counts)


@router.put(
    "/posts/{post_id}/accepted-answer",
    response={200: PostDetailOut, **COMMON_ERRORS},
    auth=WRITE,
    summary="Accept an answer (or clear it with null)",
)
def post_accept(request: HttpRequest, post_id: Path[Id], data: AcceptIn) -> Any:
    viewer = _viewer(request)
    post = post_get_for_action(viewer, post_id)
    if data.comment_id is None:
        answer_unaccept(actor=viewer, post=post)
    else:
        answer_accept(actor=viewer, post=post, comment=comment_of_post_get(post, data.comment_id))
    return _post_detail(request, post_id)


@router.get(
    "/posts/{post_id}/comments", response={200: CommentPage, **COMMON_ERRORS}, auth=READ, summary="Comments of a post"
)
def comment_list(request: HttpRequest, post_id: Path[Id], params: Query[PageQuery]) -> Any:
    """Top-level comments oldest first by keyset, each with its first replies."""
    viewer = _viewer(request)
    post = post_get_for_viewer(viewer, post_id)
    page = comment_list_for_post(viewer, post, params.cursor, page_size=params.limit)
    return CommentPage(items=[comment_out(c, with_replies=True) for c in page.items], next_cursor=page.next_cursor)


@router.post(
    "/posts/{post_id}/comments", response={201: CommentOut, **COMMON_ERRORS}, auth=WRITE, summary="Comment or reply"
)
def comment_create_endpoint(request: HttpRequest, post_id: Path[Id], data: CommentIn) -> Any:
    viewer = _viewer(request)
    post = post_get_for_action(viewer, post_id)
    parent = comment_of_post_get(post, data.parent_id) if data.parent_id is not None else None

    def create() -> CommentOut:
        comment = comment_create(actor=viewer, post=post, body=data.body, parent=parent)
        comment.author = viewer.user
        return comment_out(comment)

    return run_idempotent(request, create)


@router.patch("/comments/{comment_id}", response={200: CommentOut, **COMMON_ERRORS}, auth=WRITE, summary="Edit")
def comment_edit(request: HttpRequest, comment_id: Path[Id], data: CommentPatch) -> Any:
    viewer = _viewer(request)
    comment = comment_update(
        actor=viewer, comment=comment_get_for_action(viewer, comment_id), body=data.body, reason=data.reason
    )
    comment.author = viewer.user if comment.author_id == viewer.user_id else comment.author
    return comment_out(comment)


@router.delete("/comments/{comment_id}", response={204: None, **COMMON_ERRORS}, auth=WRITE, summary="Delete")
def comment_remove(request: HttpRequest, comment_id: Path[Id]) -> Any:
    viewer = _viewer(request)
    comment_delete(actor=viewer, comment=comment_get_for_action(viewer, comment_id))
    return Status(204, None)
