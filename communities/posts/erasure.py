"""What erasing a person (issue 23) does to what they wrote in communities.

Registered with the kernel's erasure steps (``intranet.core.erasure``) by ``CommunitiesConfig``:

* ``ERASURE_POSTS = "anonymise"`` (default): the person's posts and comments stay, so the
  conversations around them keep their sense; the generic pass of the eraser re-attributes them to
  the "former employee" account. ``"delete"``: their posts (with the discussion under them) and their
  comments are deleted for good, soft-deleted ones included, and the stored counters follow.
* Posts and comments of others that mention the person are re-rendered: ``@handle`` becomes
  ``@former-employee`` in the source, which links nobody, so the stored HTML and the search text
  no longer carry the name.
* Attachments the person uploaded are deleted, their files from storage after commit.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db.models import Count, F, Q

from communities.core.models import Community
from communities.posts.models import Attachment, Comment, ContentStatus, Mention, Post
from communities.posts.services.posts import render_for_community
from intranet.core.erasure import ErasureContext
from intranet.core.markdown import plain_text

FORMER_EMPLOYEE_HANDLE = "former-employee"


def _replace_handle(source: str, handle: str) -> str:
    # The handle may be followed by punctuation ("@anna.schmidt."), never by more handle characters.
    pattern = re.compile(rf"@{re.escape(handle)}(?![A-Za-z0-9_-]|\.[A-Za-z0-9])", re.IGNORECASE)
    return pattern.sub(f"@{FORMER_EMPLOYEE_HANDLE}", source)


def _rerender_mentions(ctx: ErasureContext) -> None:
    handle = ctx.user.handle
    mentions = Mention.objects.filter(user=ctx.user).values_list("post_id", "comment_id")
    post_ids = {post_id for post_id, comment_id in mentions if comment_id is None}
    comment_ids = {comment_id for _post_id, comment_id in mentions if comment_id is not None}
    # Mentions of someone who could not read the community were never linked (no Mention row) but
    # the handle may still stand in the text: find those too.
    needle = f"@{handle}"
    post_ids |= set(Post.objects.filter(body_source__icontains=needle).values_list("pk", flat=True))
    comment_ids |= set(Comment.objects.filter(body_source__icontains=needle).values_list("pk", flat=True))
    for post in Post.objects.filter(pk__in=post_ids).select_related("community"):
        source = _replace_handle(post.body_source, handle)
        rendered, _ids = render_for_community(source, post.community)
        Post.objects.filter(pk=post.pk).update(
            body_source=source, body_html=rendered.html, body_text=plain_text(rendered.html)
        )
    for comment in Comment.objects.filter(pk__in=comment_ids).select_related("post__community"):
        source = _replace_handle(comment.body_source, handle)
        rendered, _ids = render_for_community(source, comment.post.community)
        Comment.objects.filter(pk=comment.pk).update(body_source=source, body_html=rendered.html)
    ctx.count("communities.Post", "mention re-rendered", len(post_ids))
    ctx.count("communities.Comment", "mention re-rendered", len(comment_ids))
    ctx.count("communities.Mention", "deleted", Mention.objects.filter(user=ctx.user).delete()[0])


def _delete_content(ctx: ErasureContext) -> None:
    """``ERASURE_POSTS = "delete"``: the person's posts and comments go, counters follow."""
    comments = Comment.objects.filter(author=ctx.user)
    touched = set(comments.values_list("post_id", flat=True))
    ctx.count("communities.Comment", "deleted", comments.delete()[0])
    posts = Post.objects.filter(author=ctx.user)
    per_community = (
        posts.filter(status=ContentStatus.PUBLISHED, deleted_at__isnull=True)
        .values("community_id")
        .annotate(n=Count("pk"))
    )
    for row in per_community:
        Community.objects.filter(pk=row["community_id"]).update(post_count=F("post_count") - row["n"])
    for name in Attachment.objects.filter(post__author=ctx.user).values_list("file", flat=True):
        ctx.files.append((Attachment._meta.get_field("file").storage, name))
    ctx.count("communities.Post", "deleted", posts.delete()[0])
    for post_id in touched:
        live = Comment.objects.filter(post_id=post_id, status=ContentStatus.PUBLISHED, deleted_at__isnull=True).count()
        Post.objects.filter(pk=post_id).update(comment_count=live)


def erase_person_content(ctx: ErasureContext) -> None:
    """The communities step of erasing ``ctx.user`` (see the module docstring)."""
    _rerender_mentions(ctx)
    if getattr(settings, "ERASURE_POSTS", "anonymise") == "delete":
        _delete_content(ctx)
    uploads = Attachment.objects.filter(Q(uploaded_by=ctx.user))
    for name in uploads.values_list("file", flat=True):
        ctx.files.append((Attachment._meta.get_field("file").storage, name))
    ctx.count("communities.Attachment", "deleted", uploads.delete()[0])
