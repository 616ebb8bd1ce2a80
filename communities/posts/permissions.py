"""Access rules for posts, comments, reactions and answers: query-free predicates and their twins.

They build on the community rules of :mod:`communities.core.permissions` and read only the post's and
comment's own fields, their (already loaded) community and the viewer's cached role map, so a page
can ask them for every row at no extra query. Callers load ``post.community`` (and
``comment.post``) with the object.

Decisions:

* a post is seen by those who may read its community when it is published; pending and hidden posts
  only by their author and the community's moderators; deleted posts only by moderators (for
  review and audit), never by the author;
* authors edit and delete their own posts and comments while the community is active; moderators
  and above (and coordinators) edit (with a reason) and delete others' posts and comments, pin and
  lock;
* announcements are started by managers and above (and coordinators who are members);
* a locked post takes no new comments except from moderators;
* an answer is accepted by the asker or by managers and above, on questions only.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from communities.core.models import ROLE_RANK, Community, Membership
from communities.core.permissions import (
    can_comment_in_community,
    can_moderate_community,
    can_post_in_community,
    can_react_in_community,
    can_read_community_content,
    community_ids_where,
    coordinator_reach,
    is_coordinator,
    readable_community_q,
    role_map,
)
from communities.posts.models import Comment, ContentStatus, Post
from intranet.core.viewer import Viewer

# The reverse look-up of the read rule lives with the rule; posts' callers keep importing it here.

Role = Membership.Role
State = Membership.State


def _rank(viewer: Viewer, community: Community) -> int:
    if not viewer.is_authenticated:
        return 0
    entry = role_map(viewer).get(community.pk)
    if entry is None or entry[1] != State.ACTIVE:
        return 0
    return ROLE_RANK[entry[0]]


def _is_author(viewer: Viewer, author_id: int | None) -> bool:
    return viewer.user_id is not None and viewer.user_id == author_id


def is_manager_or_above(viewer: Viewer, community: Community) -> bool:
    return _rank(viewer, community) >= ROLE_RANK[Role.MANAGER] or is_coordinator(viewer, community)


# Posts ------------------------------------------------------------------------------------------


def can_start_post_kind(viewer: Viewer, community: Community, kind: str) -> bool:
    """Start a post of ``kind``: members post discussions and questions, managers+ announcements."""
    if not can_post_in_community(viewer, community):
        return False
    if kind == Post.Kind.ANNOUNCEMENT:
        return is_manager_or_above(viewer, community)
    return kind in Post.Kind.values


def can_view_post(viewer: Viewer, post: Post) -> bool:
    """Read a post: published ones for readers of the community; pending and hidden ones for their
    author and moderators; deleted ones for moderators only."""
    community = post.community
    if not can_read_community_content(viewer, community):
        return False
    if post.deleted_at is not None:
        return can_moderate_community(viewer, community)
    if post.status == ContentStatus.PUBLISHED:
        return True
    return _is_author(viewer, post.author_id) or can_moderate_community(viewer, community)


def can_edit_post(viewer: Viewer, post: Post) -> bool:
    """Change title, text and tags: the author or a moderator+, not deleted, community active."""
    if post.deleted_at is not None or post.community.is_archived or not can_view_post(viewer, post):
        return False
    return _is_author(viewer, post.author_id) or can_moderate_community(viewer, post.community)


def can_delete_post(viewer: Viewer, post: Post) -> bool:
    """Soft-delete: the author while the community is active; moderators+ always (take-down)."""
    if post.deleted_at is not None or not can_view_post(viewer, post):
        return False
    if can_moderate_community(viewer, post.community):
        return True
    return _is_author(viewer, post.author_id) and not post.community.is_archived


def can_pin_post(viewer: Viewer, post: Post) -> bool:
    """Pin or unpin: moderators+, on live published posts of an active community."""
    return (
        post.deleted_at is None
        and post.status == ContentStatus.PUBLISHED
        and not post.community.is_archived
        and can_moderate_community(viewer, post.community)
    )


def can_lock_post(viewer: Viewer, post: Post) -> bool:
    """Lock or unlock comments: moderators+, on live posts (archived communities included)."""
    return post.deleted_at is None and can_moderate_community(viewer, post.community)


def _is_live(post: Post) -> bool:
    return post.deleted_at is None and post.status == ContentStatus.PUBLISHED


def can_comment_on_post(viewer: Viewer, post: Post) -> bool:
    """Comment or reply: whoever may comment in the community, on a live post; on a locked post only
    moderators+."""
    if not _is_live(post) or not can_comment_in_community(viewer, post.community):
        return False
    return not post.is_locked or can_moderate_community(viewer, post.community)


def can_react(viewer: Viewer, post: Post, comment: Comment | None = None) -> bool:
    """React to a live post (or to a live comment on it): whoever may react in the community."""
    if not _is_live(post) or not can_react_in_community(viewer, post.community):
        return False
    return comment is None or (comment.deleted_at is None and comment.status == ContentStatus.PUBLISHED)


def can_accept_answer(viewer: Viewer, post: Post) -> bool:
    """Choose (or withdraw) the accepted answer of a question: the asker or managers+."""
    if post.kind != Post.Kind.QUESTION or not _is_live(post) or post.community.is_archived:
        return False
    if not can_read_community_content(viewer, post.community):
        return False
    return _is_author(viewer, post.author_id) or is_manager_or_above(viewer, post.community)


# Comments ---------------------------------------------------------------------------------------


def can_view_comment(viewer: Viewer, comment: Comment) -> bool:
    """Read a comment: it is published and live, or the viewer wrote it (not deleted) or moderates."""
    post = comment.post
    if not can_view_post(viewer, post):
        return False
    if comment.deleted_at is None and comment.status == ContentStatus.PUBLISHED:
        return True
    if can_moderate_community(viewer, post.community):
        return True
    return comment.deleted_at is None and _is_author(viewer, comment.author_id)


def can_edit_comment(viewer: Viewer, comment: Comment) -> bool:
    """Change a comment: its author or a moderator+ (who must give a reason, shown as "edited by a
    moderator"), while it and its post are live and the community active."""
    post = comment.post
    if comment.deleted_at is not None or post.deleted_at is not None or post.community.is_archived:
        return False
    if not can_view_post(viewer, post):
        return False
    return _is_author(viewer, comment.author_id) or can_moderate_community(viewer, post.community)


def can_delete_comment(viewer: Viewer, comment: Comment) -> bool:
    """Soft-delete a comment: its author while the community is active; moderators+ always."""
    post = comment.post
    if comment.deleted_at is not None or not can_view_post(viewer, post):
        return False
    if can_moderate_community(viewer, post.community):
        return True
    return _is_author(viewer, comment.author_id) and not post.community.is_archived


# Queryset twins ---------------------------------------------------------------------------------


def _readable_community_q(viewer: Viewer, prefix: str = "community") -> Q:
    """``Q`` on a post queryset matching :func:`can_read_community_content` of its community."""
    return readable_community_q(viewer, prefix)


def visible_posts(viewer: Viewer, qs: QuerySet[Post] | None = None) -> QuerySet[Post]:
    """Twin of :func:`can_view_post`."""
    qs = Post.objects.all() if qs is None else qs
    if not viewer.is_authenticated:
        return qs.none()
    reach = coordinator_reach(viewer)
    if reach is not None and reach.everything:  # reads and moderates everything, deleted posts included
        return qs
    moderated = Q(community_id__in=community_ids_where(viewer, min_role=Role.MODERATOR))
    if reach is not None:
        moderated |= reach.q("community")
    live = Q(deleted_at__isnull=True)
    shown = (live & Q(status=ContentStatus.PUBLISHED)) | (live & Q(author_id=viewer.user_id)) | moderated
    return qs.filter(_readable_community_q(viewer) & shown)


# Reporting and moderating a post (moderation's screens and the post page ask these) -------------


def _is_self(viewer: Viewer, user_id: int | None) -> bool:
    return viewer.is_authenticated and user_id is not None and viewer.user_id == user_id


def can_report_post(viewer: Viewer, post: Post) -> bool:
    """Report a live post one can see, not one's own."""
    return (
        viewer.is_authenticated
        and post.deleted_at is None
        and not _is_self(viewer, post.author_id)
        and can_view_post(viewer, post)
    )


def can_report_comment(viewer: Viewer, comment: Comment) -> bool:
    return (
        viewer.is_authenticated
        and comment.deleted_at is None
        and not _is_self(viewer, comment.author_id)
        and can_view_comment(viewer, comment)
    )


def can_moderate_post(viewer: Viewer, post: Post) -> bool:
    """Whether to offer the moderation page of a post at all."""
    return can_moderate_community(viewer, post.community)
