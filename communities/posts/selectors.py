"""Reads for the post screens: one post, its comments, and a community's post stream.

Every selector owns its query shape; counts are pinned in ``tests/communities/posts``. Objects come
back with what the templates need already attached (``reaction_bar``, ``reply_list``, permission
booleans), so templates never query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.http import Http404

from communities.core.models import Community
from communities.core.permissions import can_moderate_community, can_read_community_content, readers_of_community
from communities.posts.models import (
    REACTION_EMOJI,
    Attachment,
    Comment,
    ContentStatus,
    Post,
    PostRevision,
    Reaction,
    ReactionKind,
    TaggedPost,
)
from communities.posts.permissions import (
    can_accept_answer,
    can_comment_on_post,
    can_delete_comment,
    can_delete_post,
    can_edit_comment,
    can_edit_post,
    can_lock_post,
    can_moderate_post,
    can_pin_post,
    can_react,
    can_report_comment,
    can_report_post,
    can_view_post,
    visible_posts,
)
from intranet.accounts.models import User
from intranet.accounts.selectors import name_matches, name_search
from intranet.accounts.text import query_forms
from intranet.core.models import AuditEntry
from intranet.core.pagination import Page, keyset_page
from intranet.core.permissions import require_visible
from intranet.core.viewer import Viewer

STREAM_PAGE_SIZE = 20
#: Top-level comments per page of a post (each with up to REPLY_PREVIEW replies): 50 threads made
#: the most-commented post of the reference data 245 KB of HTML and 82 ms of CPU per view.
COMMENT_PAGE_SIZE = 20
#: Replies shown per thread on the post page; the rest load on demand (at most REPLIES_MAX).
REPLY_PREVIEW = 3
REPLIES_MAX = 500
PINNED_LIMIT = 5
MENTION_LIMIT = 8
STREAM_ORDERING = ("-created_at", "-id")
COMMENT_ORDERING = ("created_at", "id")
KIND_FILTERS = ("all", "discussion", "question", "unanswered", "announcement")


@dataclass(frozen=True)
class ReactionButton:
    kind: str
    emoji: str
    label: str
    count: int
    mine: bool


def reaction_bar(counts: dict[str, Any] | None, mine: Iterable[str]) -> list[ReactionButton]:
    """The fixed reaction set with stored counts and the viewer's own reactions marked."""
    counts = counts or {}
    own = set(mine)
    return [
        ReactionButton(kind, REACTION_EMOJI[kind], str(label), int(counts.get(kind, 0)), kind in own)
        for kind, label in ReactionKind.choices
    ]


def _with_people(qs: QuerySet[Any], *prefixes: str) -> QuerySet[Any]:
    related = [f"{prefix}author__profile" for prefix in prefixes]
    return qs.select_related(*related)


def _own_reactions(viewer: Viewer, posts: list[Post], comments: list[Comment]) -> dict[tuple[str, int], set[str]]:
    """``{("post"|"comment", id): {kinds}}`` of the viewer's reactions on these rows (one query)."""
    if viewer.user_id is None or (not posts and not comments):
        return {}
    rows = Reaction.objects.filter(user_id=viewer.user_id).filter(
        Q(post_id__in=[p.pk for p in posts]) | Q(comment_id__in=[c.pk for c in comments])
    )
    mine: dict[tuple[str, int], set[str]] = {}
    for post_id, comment_id, kind in rows.values_list("post_id", "comment_id", "kind"):
        key = ("comment", comment_id) if comment_id else ("post", post_id)
        mine.setdefault(key, set()).add(kind)
    return mine


def own_reaction_kinds(viewer: Viewer, *, post: Post | None = None, comment: Comment | None = None) -> set[str]:
    """The kinds the viewer has reacted with on one post or comment (one query)."""
    if viewer.user_id is None:
        return set()
    rows = Reaction.objects.filter(user_id=viewer.user_id)
    rows = rows.filter(comment=comment) if comment is not None else rows.filter(post=post, comment__isnull=True)
    return set(rows.values_list("kind", flat=True))


# One post --------------------------------------------------------------------------------------


def _post_queryset() -> QuerySet[Post]:
    return (
        Post.objects.select_related(
            "community",
            "author__profile",
            "edited_by",
            "accepted_comment__author__profile",
        )
        .prefetch_related("tags", "attachments")  # type: ignore[misc]  # taggit's manager
        .defer("search_vector")
    )


def post_get_for_viewer(viewer: Viewer, pk: int) -> Post:
    """The post ``pk`` if the viewer may see it; ``Http404`` for missing and forbidden alike.

    Three queries (the post with community, author, profile, editor and accepted answer; tags;
    attachments) plus the viewer's cached maps. The lookup is filtered by :func:`visible_posts`, so
    a forbidden post costs exactly the queries of a missing one (no timing difference).
    """
    post = visible_posts(viewer, _post_queryset()).filter(pk=pk).first()
    if post is None:
        raise Http404
    return post


def post_get_for_action(viewer: Viewer, pk: int) -> Post:
    """The post with its community only (for writes); ``Http404`` when the viewer may not see it
    (one lookup filtered by :func:`visible_posts`: forbidden and missing cost the same)."""
    post = visible_posts(viewer, Post.objects.select_related("community").defer("search_vector")).filter(pk=pk).first()
    if post is None:
        raise Http404
    return post


def comment_get_for_action(viewer: Viewer, pk: int) -> Comment:
    """A comment with its post and community; ``Http404`` unless the viewer may see its post."""
    comment = (
        Comment.objects.select_related("post__community")
        .defer("post__search_vector")
        .filter(pk=pk, post__in=visible_posts(viewer, Post.objects.all()).values("pk"))
        .first()
    )
    if comment is None:
        raise Http404
    if comment.deleted_at is not None and not can_moderate_community(viewer, comment.post.community):
        raise Http404
    return comment


def comment_of_post_get(post: Post, pk: int) -> Comment:
    """Comment ``pk`` of ``post`` (the reply target, the answer to accept), one query; ``Http404``
    when it belongs to another post or does not exist. The caller fetched ``post`` for the viewer."""
    comment = Comment.objects.filter(pk=pk, post=post).first()
    if comment is None:
        raise Http404
    return comment


def comment_get_for_thread(viewer: Viewer, post: Post, pk: int) -> Comment:
    """The comment ``pk`` the viewer has just written on ``post``, decorated like the post page's,
    for the answer that adds it to its thread in place (one query: the comment with its author and
    profile; a new comment has no reactions yet). The caller fetched ``post`` for the viewer."""
    comment = Comment.objects.select_related("author__profile").get(pk=pk, post=post)
    comment.post = post
    _decorate_comment(viewer, comment, {}, can_accept_answer(viewer, post))
    return comment


def attachment_get_for_viewer(viewer: Viewer, pk: int) -> Attachment:
    """An attachment with its post and community (one query plus the viewer's cached maps);
    ``Http404`` unless the viewer may see the post, so a private file looks missing. The lookup is
    filtered by :func:`visible_posts` (a subquery): forbidden and missing ids cost the same."""
    attachment = (
        Attachment.objects.select_related("post__community")
        .defer("post__search_vector")
        .filter(pk=pk, post__in=visible_posts(viewer, Post.objects.all()).values("pk"))
        .first()
    )
    if attachment is None or attachment.post is None:
        raise Http404
    return attachment


def revisions_for_post(viewer: Viewer, post: Post) -> list[PostRevision]:
    """Earlier versions of ``post``, newest first, with their editors (one query)."""
    require_visible(can_view_post(viewer, post))
    return list(PostRevision.objects.filter(post=post).select_related("edited_by").order_by("-created_at", "-id"))


# Comments --------------------------------------------------------------------------------------


def _comment_visibility(viewer: Viewer, post: Post) -> Q | None:
    """Which comments the viewer sees; ``None`` for "all of them" (moderators)."""
    if can_moderate_community(viewer, post.community):
        return None
    live = Q(deleted_at__isnull=True)
    return live & (Q(status=ContentStatus.PUBLISHED) | Q(author_id=viewer.user_id))


def comment_list_for_post(
    viewer: Viewer, post: Post, cursor: str | None = None, *, page_size: int = COMMENT_PAGE_SIZE
) -> Page[Comment]:
    """One keyset page of top-level comments, oldest first, each with ``reply_list`` (its visible
    replies, oldest first). Two queries (comments, replies; authors and profiles joined).

    Deleted top-level comments that still have visible replies come back (``deleted_at`` set) so
    the thread keeps its shape; templates show a placeholder for them. Raises ``InvalidCursor``.
    """
    require_visible(can_view_post(viewer, post))
    shown = _comment_visibility(viewer, post)
    top = Comment.objects.filter(post=post, parent__isnull=True)
    replies = Comment.objects.all()
    visible_replies = Comment.objects.filter(parent=OuterRef("pk"))
    if shown is not None:
        visible_replies = visible_replies.filter(shown)
        deleted_with_replies = Q(deleted_at__isnull=False, status=ContentStatus.PUBLISHED) & Exists(visible_replies)
        top = top.filter(shown | deleted_with_replies)
        replies = replies.filter(shown)
    # How many replies each thread has, and its newest one: the page shows the first few and links
    # the rest ("N more replies", loaded by htmx), still in the same query.
    stats = visible_replies.order_by().values("parent")
    top = top.annotate(
        reply_total=Coalesce(Subquery(stats.annotate(n=Count("pk")).values("n")), 0),
        newest_reply_id=Subquery(stats.annotate(m=Max("pk")).values("m")),
    )
    page = keyset_page(_with_people(top, ""), ordering=COMMENT_ORDERING, cursor=cursor, page_size=page_size)
    if page.items:
        reply_qs = _with_people(replies, "").order_by(*COMMENT_ORDERING)[:REPLY_PREVIEW]
        prefetch_related_objects(page.items, Prefetch("replies", queryset=reply_qs, to_attr="reply_list"))
    for comment in page.items:
        comment.post = post
        for reply in comment.reply_list:  # type: ignore[attr-defined]
            reply.post = post
        comment.more_replies = max(comment.reply_total - len(comment.reply_list), 0)  # type: ignore[attr-defined]
    return page


def replies_for_comment(viewer: Viewer, pk: int, *, upto: int) -> tuple[Comment, list[Comment], dict[str, bool]]:
    """The replies of top-level comment ``pk`` after the first :data:`REPLY_PREVIEW` (those the post
    page shows) up to reply id ``upto`` (the newest when the page was rendered; later ones arrive
    live), decorated like the post page's, with the ``can`` flags the template asks. Four queries
    (comment with post and community, role map, replies, the viewer's reactions). ``Http404`` when
    the viewer may not see the post or the comment is no thread."""
    comment = (
        Comment.objects.select_related("post__community")
        .defer("post__search_vector", "post__community__search_vector")
        .filter(pk=pk, parent__isnull=True, post__in=visible_posts(viewer, Post.objects.all()).values("pk"))
        .first()
    )
    if comment is None:
        raise Http404
    post = comment.post
    shown = _comment_visibility(viewer, post)
    qs = Comment.objects.filter(parent=comment, pk__lte=upto)
    if shown is not None:
        qs = qs.filter(shown)
    rest = list(_with_people(qs, "").order_by(*COMMENT_ORDERING)[REPLY_PREVIEW : REPLY_PREVIEW + REPLIES_MAX])
    mine = _own_reactions(viewer, [], rest)
    accept = can_accept_answer(viewer, post)
    for reply in rest:
        reply.post = post
        _decorate_comment(viewer, reply, mine, accept)
    return comment, rest, {"accept": accept}


def _decorate_comment(viewer: Viewer, comment: Comment, mine: dict[tuple[str, int], set[str]], accept: bool) -> None:
    c: Any = comment
    c.reaction_bar = reaction_bar(comment.reaction_counts, mine.get(("comment", comment.pk), ()))
    c.can_edit = can_edit_comment(viewer, comment)
    c.can_delete = can_delete_comment(viewer, comment)
    c.can_react = can_react(viewer, comment.post, comment)
    c.can_accept = accept and comment.deleted_at is None and comment.status == ContentStatus.PUBLISHED
    c.is_accepted = comment.post.accepted_comment_id == comment.pk
    c.can_report = can_report_comment(viewer, comment)
    c.can_moderate = can_moderate_post(viewer, comment.post)


def _shows_accepted(viewer: Viewer, post: Post, accepted: Comment) -> bool:
    # The box above the comments follows the list's rules (see _comment_visibility): in the list,
    # the accepted answer then only points up to it, so it is shown once.
    if accepted.deleted_at is not None:
        return False
    if can_moderate_community(viewer, post.community):
        return True
    return accepted.status == ContentStatus.PUBLISHED or accepted.author_id == viewer.user_id


@dataclass
class PostPage:
    """Everything the post page shows, with permission booleans precomputed."""

    post: Post
    comments: Page[Comment]
    accepted: Comment | None
    reactions: list[ReactionButton]
    can: dict[str, bool] = field(default_factory=dict)


def post_page_for_viewer(viewer: Viewer, pk: int, cursor: str | None = None) -> PostPage:
    """The post page: the post, the accepted answer, one page of comments with replies, the
    viewer's own reactions and every permission the page asks.

    Five queries (post, tags, attachments, comments, replies) plus one for the viewer's reactions,
    plus the viewer's cached maps; constant in the number of comments, replies, reactions and
    attachments. ``Http404`` for missing and forbidden alike; ``InvalidCursor`` for a bad cursor.
    """
    post = post_get_for_viewer(viewer, pk)
    comments = comment_list_for_post(viewer, post, cursor)
    accepted = post.accepted_comment
    if accepted is not None:
        accepted.post = post
        accepted.reply_list = []  # type: ignore[attr-defined]
        if not _shows_accepted(viewer, post, accepted):
            accepted = None
    everyone = [c for top in comments.items for c in (top, *top.reply_list)]  # type: ignore[attr-defined]
    mine = _own_reactions(viewer, [post], everyone + ([accepted] if accepted else []))
    accept = can_accept_answer(viewer, post)
    for comment in everyone + ([accepted] if accepted else []):
        _decorate_comment(viewer, comment, mine, accept)
    can = {
        "edit": can_edit_post(viewer, post),
        "delete": can_delete_post(viewer, post),
        "pin": can_pin_post(viewer, post),
        "lock": can_lock_post(viewer, post),
        "comment": can_comment_on_post(viewer, post),
        "react": can_react(viewer, post),
        "accept": accept,
        "report": can_report_post(viewer, post),
        "moderate": can_moderate_post(viewer, post),
    }
    return PostPage(
        post=post,
        comments=comments,
        accepted=accepted,
        reactions=reaction_bar(post.reaction_counts, mine.get(("post", post.pk), ())),
        can=can,
    )


# The community stream ---------------------------------------------------------------------------


@dataclass
class PostStream:
    """What ``communities/posts/_post_stream.html`` renders: ``pinned_posts`` and ``posts_page``."""

    pinned_posts: list[Post]
    posts_page: Page[Post]
    kind_filter: str = "all"


def _kind_condition(kind_filter: str) -> Q:
    if kind_filter == "unanswered":
        return Q(kind=Post.Kind.QUESTION, accepted_comment__isnull=True)
    if kind_filter in (Post.Kind.DISCUSSION, Post.Kind.QUESTION, Post.Kind.ANNOUNCEMENT):
        return Q(kind=kind_filter)
    return Q()


def post_list_for_community(
    viewer: Viewer,
    community: Community,
    kind_filter: str = "all",
    cursor: str | None = None,
    *,
    page_size: int = STREAM_PAGE_SIZE,
) -> PostStream:
    """The community's post stream for the viewer: pinned posts (first page only) and one keyset page
    of the other published posts, newest first, filtered by ``kind_filter`` (one of
    :data:`KIND_FILTERS`; unknown values mean "all").

    Posts come with author and profile joined, tags prefetched and ``reaction_bar`` attached (the
    viewer's own reactions in one query). First page: four queries (pinned, stream, tags, own
    reactions); later pages three. ``Http404`` if the viewer may not read the community;
    ``InvalidCursor`` for a bad cursor.
    """
    require_visible(can_read_community_content(viewer, community))
    if kind_filter not in KIND_FILTERS:
        kind_filter = "all"
    base = (
        Post.objects.filter(community=community, status=ContentStatus.PUBLISHED, deleted_at__isnull=True)
        .filter(_kind_condition(kind_filter))
        .select_related("author__profile")
        .defer("search_vector", "body_source", "body_html")
    )
    pinned: list[Post] = []
    if not cursor:
        pinned = list(base.filter(is_pinned=True).order_by("-pinned_at", "-id")[:PINNED_LIMIT])
    page = keyset_page(base.filter(is_pinned=False), ordering=STREAM_ORDERING, cursor=cursor, page_size=page_size)
    posts = [*pinned, *page.items]
    attach_tag_names(posts)
    mine = _own_reactions(viewer, posts, [])
    for post in posts:
        post.community = community
        post.reaction_bar = reaction_bar(post.reaction_counts, mine.get(("post", post.pk), ()))  # type: ignore[attr-defined]
        post.can_react = can_react(viewer, post)  # type: ignore[attr-defined]
    return PostStream(pinned_posts=pinned, posts_page=page, kind_filter=kind_filter)


# Mentions --------------------------------------------------------------------------------------


def people_for_mention(viewer: Viewer, community: Community, query: str) -> list[User]:
    """Up to eight people who can read ``community`` whose name or handle matches ``query``, typo-
    and umlaut-tolerant like the people directory ("Jür" finds Jürgen, Juergen and Jurgen): two
    queries (the name search's settings, the people); none for a blank query. ``Http404`` unless
    the viewer may read the community."""
    require_visible(can_read_community_content(viewer, community))
    forms = query_forms(query.strip().lstrip("@")[:60])
    if not forms:
        return []
    qs = readers_of_community(community, User.objects.all()).select_related("profile")
    with name_search():
        found = name_matches(qs, forms, handles="prefix").order_by("-similarity", "search_name", "id")
        return list(found[:MENTION_LIMIT])


def attach_tag_names(posts: Iterable[Post]) -> None:
    """Give every post its sorted tag names with one query (nothing for no posts).

    taggit's ``prefetch_related("tags")`` builds a manager and a queryset per post: about 7 ms of
    CPU for a page of 20 cards, against well under one for this plain join of two small tables.
    """
    by_id = {post.pk: post for post in posts}
    if not by_id:
        return
    names: dict[int, list[str]] = {pk: [] for pk in by_id}
    rows = (
        TaggedPost.objects.filter(content_object_id__in=list(by_id))
        .order_by("tag__name")
        .values_list("content_object_id", "tag__name")
    )
    for post_id, name in rows:
        names[post_id].append(name)
    for pk, post in by_id.items():
        post.__dict__["_tag_names"] = names[pk]


# The moderation notice on a post page -----------------------------------------------------------


@dataclass
class ModerationNotice:
    status: str
    reason: str
    action: str


def notice_for_post(viewer: Viewer, post: Post) -> ModerationNotice | None:
    """What the author (or a moderator) is told on a held, hidden or rejected post: the status and
    the reason of the latest hide or rejection. No query for published posts; one otherwise."""
    if post.status == ContentStatus.PUBLISHED or not can_view_post(viewer, post):
        return None
    entry = (
        AuditEntry.objects.filter(
            target_type__app_label="communities",
            target_type__model="post",
            target_id=str(post.pk),
            action__in=("post.hidden", "post.rejected"),
        )
        .order_by("-created_at", "-id")
        .values_list("action", "reason")
        .first()
    )
    if post.status == ContentStatus.PENDING or entry is None:
        return ModerationNotice(status=post.status, reason="", action="")
    return ModerationNotice(status=post.status, action=entry[0], reason=entry[1])
