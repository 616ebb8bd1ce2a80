"""Post screens: write, read, edit, delete, pin, lock, history; comments, answers, reactions;
attachment downloads, mention autocomplete and the Markdown preview (function views)."""

from __future__ import annotations

import mimetypes
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from communities.core import selectors
from communities.core.models import Community
from communities.core.permissions import can_post_in_community, can_read_community_content
from communities.posts import selectors as selectors_posts
from communities.posts import services as post_services
from communities.posts.forms import CommentEditForm, CommentForm, PostForm, ReactionForm
from communities.posts.live import newest_cursor
from communities.posts.models import Attachment, Comment, ContentStatus, Post
from communities.posts.permissions import (
    can_accept_answer,
    can_comment_on_post,
    can_delete_post,
    can_edit_comment,
    can_edit_post,
    can_lock_post,
    can_pin_post,
    can_start_post_kind,
)
from communities.posts.views.live import community_live_bar
from intranet.core.idempotency import expired_response
from intranet.core.markdown import render_markdown
from intranet.core.media import private_file_response
from intranet.core.permissions import require_visible
from intranet.core.viewer import Viewer
from intranet.core.web import apply_errors as _apply_errors
from intranet.core.web import error_message
from intranet.core.web import is_htmx as _is_htmx
from intranet.core.web import viewer_of as _viewer

PREVIEW_MAX = 20_000
KIND_FILTER_LABELS = [
    ("all", gettext_lazy("All")),
    ("discussion", gettext_lazy("Discussions")),
    ("question", gettext_lazy("Questions")),
    ("unanswered", gettext_lazy("Unanswered")),
    ("announcement", gettext_lazy("Announcements")),
]


def _community_url(community: Community) -> str:
    return reverse("communities:community_detail", kwargs={"slug": community.slug})


# The community stream ---------------------------------------------------------------------------


def post_stream_context(viewer: Viewer, community: Community, *, kind: str = "all", cursor: str = "") -> dict[str, Any]:
    """Context for ``communities/posts/_post_stream.html`` (used by the community page and by
    :func:`post_stream`): ``community``, ``pinned_posts``, ``posts_page``, ``kind_filter`` and
    ``older_url`` (the "load older" link, empty on the last page), ``kind_filters`` (the filter
    links) and ``can_post`` (whether to offer "New post"). A bad cursor raises ``InvalidCursor`` (a 400); an
    unknown kind means "all".
    """
    stream = selectors_posts.post_list_for_community(viewer, community, kind, cursor or None)
    older_url = ""
    if stream.posts_page.next_cursor:
        query = {"cursor": stream.posts_page.next_cursor}
        if stream.kind_filter != "all":
            query["kind"] = stream.kind_filter
        older_url = f"{reverse('communities:post_stream', kwargs={'slug': community.slug})}?{urlencode(query)}"
    return {
        "community": community,
        "kind_filters": KIND_FILTER_LABELS,
        "pinned_posts": stream.pinned_posts,
        "posts_page": stream.posts_page,
        "kind_filter": stream.kind_filter,
        "older_url": older_url,
        "can_post": can_post_in_community(viewer, community),
        # The "N new posts" bar counts from the newest card of the first page (not on later pages).
        "live": None
        if cursor
        else community_live_bar(
            community,
            since=newest_cursor(stream.posts_page.items),
            kind=stream.kind_filter,
            insert=bool(stream.posts_page.items),
        ),
    }


@login_required
def post_stream(request: HttpRequest, slug: str) -> HttpResponse:
    """One page of a community's stream (the target of the "load older" link)."""
    viewer = _viewer(request)
    community = selectors.community_get_for_viewer(viewer, slug)
    require_visible(can_read_community_content(viewer, community))
    context = post_stream_context(
        viewer, community, kind=request.GET.get("kind", "all"), cursor=request.GET.get("cursor", "")
    )
    # HTMX asks for the next items ("load older", with a cursor) or for the whole section (a filter).
    context["stream_only"] = _is_htmx(request) and bool(request.GET.get("cursor"))
    template = "communities/posts/_post_stream.html" if _is_htmx(request) else "communities/posts/post_stream.html"
    return render(request, template, context)


# Writing ----------------------------------------------------------------------------------------


def _kinds_for(viewer: Viewer, community: Community) -> list[tuple[str, Any]]:
    return [(value, label) for value, label in Post.Kind.choices if can_start_post_kind(viewer, community, value)]


@login_required
@require_http_methods(["GET", "POST"])
def post_create(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = _viewer(request)
    community = selectors.community_get_for_viewer(viewer, slug)
    if not can_post_in_community(viewer, community):
        raise selectors.taking_part_refusal(viewer, community)
    kinds = _kinds_for(viewer, community)
    initial_kind = request.GET.get("kind", Post.Kind.DISCUSSION)
    form = PostForm(request.POST or None, request.FILES or None, kinds=kinds, initial={"kind": initial_kind})
    if request.method == "POST" and form.is_valid():
        try:
            post = post_services.post_create(
                actor=viewer,
                community=community,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                tags=form.tag_list(),
                attachments=form.cleaned_data["attachments"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            if post.status == ContentStatus.PENDING:
                messages.info(request, _("Your post waits for a moderator's approval. Until then only you can see it."))
            else:
                messages.success(request, _("Your post is published."))
            return HttpResponseRedirect(post.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "communities/posts/post_form.html",
        {"form": form, "community": community, "post": None, "editing": False},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    post = selectors_posts.post_get_for_viewer(viewer, pk)
    if not can_edit_post(viewer, post):
        raise PermissionDenied
    initial = {"title": post.title, "body": post.body_source, "tags": ", ".join(t.name for t in post.tags.all())}
    moderating = viewer.user_id != post.author_id
    form = PostForm(request.POST or None, initial=initial, editing=True, moderating=moderating)
    if request.method == "POST" and form.is_valid():
        was = post.status
        try:
            post_services.post_update(
                actor=viewer,
                post=post,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                tags=form.tag_list(),
                reason=form.cleaned_data.get("reason", ""),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            if was != post.status and post.status == ContentStatus.PENDING:
                messages.warning(
                    request,
                    _(
                        "Your changes are saved. Because of a word this community watches, the post waits for a "
                        "moderator's approval before others see it again."
                    ),
                )
            else:
                messages.success(request, _("Your changes are saved."))
            return HttpResponseRedirect(post.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "communities/posts/post_form.html",
        {"form": form, "community": post.community, "post": post, "editing": True},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def post_delete(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    post = selectors_posts.post_get_for_action(viewer, pk)
    if not can_delete_post(viewer, post):
        raise PermissionDenied
    if request.method == "POST":
        post_services.post_delete(actor=viewer, post=post, reason=request.POST.get("reason", "")[:500])
        messages.success(request, _("The post was deleted."))
        return HttpResponseRedirect(_community_url(post.community))
    return render(request, "communities/posts/post_delete.html", {"post": post, "community": post.community})


@login_required
@require_POST
def post_pin(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    post = selectors_posts.post_get_for_action(viewer, pk)
    if not can_pin_post(viewer, post):
        raise PermissionDenied
    if request.POST.get("action") == "unpin":
        post_services.post_unpin(actor=viewer, post=post)
        messages.success(request, _("The post is no longer pinned."))
    else:
        post_services.post_pin(actor=viewer, post=post)
        messages.success(request, _("The post is pinned to the top of the community."))
    return HttpResponseRedirect(post.get_absolute_url())


@login_required
@require_POST
def post_lock(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    post = selectors_posts.post_get_for_action(viewer, pk)
    if not can_lock_post(viewer, post):
        raise PermissionDenied
    if request.POST.get("action") == "unlock":
        post_services.post_unlock(actor=viewer, post=post)
        messages.success(request, _("The post is open for comments again."))
    else:
        post_services.post_lock(actor=viewer, post=post)
        messages.success(request, _("The post is locked: only moderators can comment."))
    return HttpResponseRedirect(post.get_absolute_url())


# Reading ----------------------------------------------------------------------------------------


@login_required
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    cursor = request.GET.get("cursor", "")
    page = selectors_posts.post_page_for_viewer(viewer, pk, cursor or None)
    more_url = ""
    if page.comments.next_cursor:
        more_url = f"{page.post.get_absolute_url()}?{urlencode({'cursor': page.comments.next_cursor})}"
    context = {
        "post": page.post,
        "community": page.post.community,
        "page": page,
        "can": page.can,
        "comments": page.comments,
        "accepted": page.accepted,
        "reactions": page.reactions,
        "more_url": more_url,
        "comment_form": CommentForm(),
        # New comments arrive live when every comment is on this page (no "show more" link).
        "live_after": _newest_comment_id(page) if not page.comments.next_cursor and not cursor else None,
        "moderation_notice": selectors_posts.notice_for_post(viewer, page.post),
    }
    if _is_htmx(request) and cursor:
        return render(request, "communities/posts/_comment_page.html", context)
    return render(request, "communities/posts/post_detail.html", context)


def _newest_comment_id(page: selectors_posts.PostPage) -> int:
    # Replies behind "N more replies" count as shown: they load with their thread, not live.
    shown = [c.pk for top in page.comments.items for c in (top, *top.reply_list)]  # type: ignore[attr-defined]
    shown += [top.newest_reply_id or 0 for top in page.comments.items]  # type: ignore[attr-defined]
    return max(shown, default=0)


@login_required
def comment_replies(request: HttpRequest, pk: int) -> HttpResponse:
    """The rest of a thread's replies (behind "N more replies" on the post page), for htmx."""
    upto = str(request.GET.get("upto", ""))
    if not upto.isdigit():
        raise Http404
    comment, replies, can = selectors_posts.replies_for_comment(_viewer(request), pk, upto=int(upto))
    return render(
        request, "communities/posts/_comment_replies.html", {"replies": replies, "post": comment.post, "can": can}
    )


@login_required
def post_history(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    post = selectors_posts.post_get_for_action(viewer, pk)
    revisions = selectors_posts.revisions_for_post(viewer, post)
    return render(
        request,
        "communities/posts/post_history.html",
        {"post": post, "community": post.community, "revisions": revisions},
    )


# Comments and answers ---------------------------------------------------------------------------


@login_required
@require_POST
def comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    post = selectors_posts.post_get_for_action(viewer, pk)
    if not can_comment_on_post(viewer, post):
        raise selectors.taking_part_refusal(viewer, post.community)
    form = CommentForm(request.POST)
    # A reply sent from a thread's reply form by htmx is added to the thread in place; everything
    # else (and any reply without JavaScript) goes back to the post page.
    in_place = _is_htmx(request) and bool(request.POST.get("parent"))
    if not form.is_valid():
        if form.non_field_errors():  # no usable idempotency key: nothing can be saved safely
            return expired_response(request)
        message = _("Write a comment of at most 10,000 characters.")
        if in_place:
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        messages.error(request, message)
        return HttpResponseRedirect(post.get_absolute_url())
    parent = None
    if form.cleaned_data.get("parent"):
        parent = selectors_posts.comment_of_post_get(post, form.cleaned_data["parent"])
    try:
        comment = post_services.comment_create(
            actor=viewer,
            post=post,
            body=form.cleaned_data["body"],
            parent=parent,
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
    except ValidationError as error:
        if in_place:
            return HttpResponse(" ".join(error.messages), status=400, content_type="text/plain; charset=utf-8")
        error_message(request, error)
        return HttpResponseRedirect(post.get_absolute_url())
    if in_place and parent is not None:
        reply = selectors_posts.comment_get_for_thread(viewer, post, comment.pk)
        can = {"comment": can_comment_on_post(viewer, post), "accept": can_accept_answer(viewer, post)}
        return render(
            request,
            "communities/posts/_reply_created.html",
            {"reply": reply, "post": post, "can": can, "key_id": f"reply-key-{form.cleaned_data['parent']}"},
        )
    return HttpResponseRedirect(f"{post.get_absolute_url()}#comment-{comment.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    comment = selectors_posts.comment_get_for_action(viewer, pk)
    if not can_edit_comment(viewer, comment):
        raise PermissionDenied
    moderating = viewer.user_id != comment.author_id
    form = CommentEditForm(request.POST or None, initial={"body": comment.body_source}, moderating=moderating)
    if request.method == "POST" and form.is_valid():
        was = comment.status
        try:
            post_services.comment_update(
                actor=viewer,
                comment=comment,
                body=form.cleaned_data["body"],
                reason=form.cleaned_data.get("reason", ""),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            if was != comment.status and comment.status == ContentStatus.PENDING:
                messages.warning(
                    request,
                    _(
                        "Your changes are saved. Because of a word this community watches, the comment waits for a "
                        "moderator's approval before others see it again."
                    ),
                )
            elif moderating:
                messages.success(request, _("The comment is changed. Its author was told why."))
            return HttpResponseRedirect(f"{comment.post.get_absolute_url()}#comment-{comment.pk}")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "communities/posts/post_comment_edit.html",
        {"form": form, "comment": comment, "post": comment.post, "community": comment.post.community},
        status=status,
    )


@login_required
@require_POST
def comment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    comment = selectors_posts.comment_get_for_action(viewer, pk)
    post_services.comment_delete(actor=viewer, comment=comment, reason=request.POST.get("reason", "")[:500])
    messages.success(request, _("The comment was deleted."))
    return HttpResponseRedirect(comment.post.get_absolute_url())


@login_required
@require_POST
def answer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    post = selectors_posts.post_get_for_action(viewer, pk)
    comment_pk = request.POST.get("comment", "")
    if request.POST.get("action") == "unaccept":
        post_services.answer_unaccept(actor=viewer, post=post)
        messages.success(request, _("The question has no accepted answer now."))
        return HttpResponseRedirect(post.get_absolute_url())
    comment = selectors_posts.comment_of_post_get(post, int(comment_pk) if comment_pk.isdigit() else 0)
    try:
        post_services.answer_accept(actor=viewer, post=post, comment=comment)
    except ValidationError as error:
        error_message(request, error)
    else:
        messages.success(request, _("The answer is marked as accepted."))
    return HttpResponseRedirect(post.get_absolute_url())


# Reactions --------------------------------------------------------------------------------------


@login_required
@require_POST
def reaction_toggle(request: HttpRequest) -> HttpResponse:
    """Toggle a reaction; HTMX gets the updated reaction bar, others a redirect to the post."""
    viewer = _viewer(request)
    form = ReactionForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    target, pk, kind = form.cleaned_data["target"], form.cleaned_data["pk"], form.cleaned_data["kind"]
    post: Post
    comment: Comment | None = None
    if target == "comment":
        comment = selectors_posts.comment_get_for_action(viewer, pk)
        post = comment.post
    else:
        post = selectors_posts.post_get_for_action(viewer, pk)
    try:
        result = post_services.reaction_toggle(actor=viewer, kind=kind, post=None if comment else post, comment=comment)
    except ValidationError:
        return HttpResponse(status=400)
    if not _is_htmx(request):
        return HttpResponseRedirect(post.get_absolute_url())
    mine = selectors_posts.own_reaction_kinds(viewer, post=None if comment else post, comment=comment)
    return render(
        request,
        "communities/posts/_reaction_bar.html",
        {
            "target": target,
            "target_pk": pk,
            "reactions": selectors_posts.reaction_bar(result.reaction_counts, mine),
            "can_react": True,
        },
    )


# Attachments, mentions, preview -----------------------------------------------------------------


@login_required
def attachment_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Send an attachment to someone who may view its post; 404 for everyone else.

    The only way out for an attachment: the proxy serves none from the media root, and with
    ``ATTACHMENTS_ACCEL_REDIRECT_PREFIX`` set it sends the bytes after this check (X-Accel-Redirect).
    """
    attachment = selectors_posts.attachment_get_for_viewer(_viewer(request), pk)
    content_type = attachment.content_type or mimetypes.guess_type(attachment.original_name)[0]
    return private_file_response(
        attachment.file,
        filename=attachment.original_name,
        content_type=content_type or "application/octet-stream",
        inline=attachment.kind == Attachment.Kind.IMAGE,
    )


@login_required
def mention_autocomplete(request: HttpRequest, slug: str) -> HttpResponse:
    """An HTML listbox of up to eight people who can read the community, matching ``q``."""
    viewer = _viewer(request)
    community = selectors.community_get_for_viewer(viewer, slug)
    people = selectors_posts.people_for_mention(viewer, community, request.GET.get("q", "")[:100])
    return render(request, "communities/posts/_post_mention_options.html", {"people": people})


@login_required
@require_POST
def markdown_preview(request: HttpRequest) -> HttpResponse:
    """Sanitized HTML of the posted Markdown (``body``) for the live preview; mentions are not resolved."""
    source = request.POST.get("body", "")[:PREVIEW_MAX]
    html = render_markdown(source).html if source.strip() else ""
    return render(request, "communities/posts/_post_preview.html", {"html": html})
