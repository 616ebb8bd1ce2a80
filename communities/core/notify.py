"""Notifications about what happens in communities: the kinds, and who hears about what.

Services call the small ``on_*`` hooks; each only queues a Celery task after commit (no query in
the request, whatever the community's size). The tasks call the ``notify_*`` functions here, which
compute the recipients from the committed state and hand them to
:func:`intranet.notifications.services.notify`: chunked bulk inserts, unique per recipient and
event, so running a task twice notifies nobody twice.

Rules: nobody hears about their own action; nobody is told about content they cannot read (in
private and secret communities only active members); one event reaches one person once, through the
most specific kind (a mention beats a reply, a reply to one's comment beats a comment on one's post).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from communities.models import Comment, Community, ContentStatus, Membership, Mention, Post, Reaction
from communities.posts.permissions import readers_of_community
from intranet.notifications.kinds import register_kind, register_scope_provider
from intranet.notifications.models import Delivery
from intranet.notifications.services import notify

# Kinds ------------------------------------------------------------------------------------------------

MENTION = "post.mention"
REPLY = "post.reply"
ANSWER = "question.answer"
ACCEPTED = "answer.accepted"
REACTIONS = "post.reactions"
NEW_POST = "post.new"
ANNOUNCEMENT = "post.announcement"
REQUEST = "membership.request"
DECISION = "membership.decision"
INVITATION = "membership.invitation"
ROLE = "membership.role"

State = Membership.State
Role = Membership.Role
Level = Membership.NotificationLevel


def _mention_message(p: Mapping[str, Any], count: int) -> str:
    if p.get("in") == "comment":
        return _("%(actor)s mentioned you in a comment on “%(title)s”") % p
    return _("%(actor)s mentioned you in “%(title)s”") % p


def _reply_message(p: Mapping[str, Any], count: int) -> str:
    if p.get("to") == "comment":
        return _("%(actor)s replied to your comment on “%(title)s”") % p
    return _("%(actor)s commented on your post “%(title)s”") % p


def _reactions_message(p: Mapping[str, Any], count: int) -> str:
    others = max(count - 1, 0)
    if others:
        return ngettext(
            "%(actor)s and %(others)d other person reacted to your post “%(title)s”",
            "%(actor)s and %(others)d other people reacted to your post “%(title)s”",
            others,
        ) % {**p, "others": others}
    return _("%(actor)s reacted to your post “%(title)s”") % p


def _decision_message(p: Mapping[str, Any], count: int) -> str:
    if p.get("approved"):
        return _("Your request to join %(community)s was approved") % p
    return _("Your request to join %(community)s was declined") % p


def _role_message(p: Mapping[str, Any], count: int) -> str:
    labels = dict(Role.choices)
    return _("%(actor)s made you %(role)s of %(community)s") % {**p, "role": labels.get(p.get("role", ""), "")}


def register() -> None:
    """Register the kinds and the per-community scope (called from ``CommunitiesConfig.ready``)."""
    register_kind(MENTION, gettext_lazy("Mentions of me"), Delivery.IMMEDIATE, _mention_message, scoped=True)
    register_kind(
        REPLY,
        gettext_lazy("Comments on my posts and replies to my comments"),
        Delivery.IMMEDIATE,
        _reply_message,
        scoped=True,
    )
    register_kind(
        ANSWER,
        gettext_lazy("Answers to my questions"),
        Delivery.IMMEDIATE,
        lambda p, c: _("%(actor)s answered your question “%(title)s”") % p,
        scoped=True,
    )
    register_kind(
        ACCEPTED,
        gettext_lazy("My answer was accepted"),
        Delivery.IMMEDIATE,
        lambda p, c: _("%(actor)s accepted your answer to “%(title)s”") % p,
        scoped=True,
    )
    register_kind(REACTIONS, gettext_lazy("Reactions to my posts"), Delivery.IN_APP, _reactions_message, scoped=True)
    register_kind(
        NEW_POST,
        gettext_lazy("New posts in communities I follow closely"),
        Delivery.DAILY,
        lambda p, c: _("%(actor)s posted “%(title)s” in %(community)s") % p,
        scoped=True,
    )
    register_kind(
        ANNOUNCEMENT,
        gettext_lazy("Announcements in my communities"),
        Delivery.IMMEDIATE,
        lambda p, c: _("Announcement in %(community)s: “%(title)s”") % p,
        scoped=True,
    )
    register_kind(
        REQUEST,
        gettext_lazy("Requests to join communities I manage"),
        Delivery.IMMEDIATE,
        lambda p, c: _("%(actor)s asks to join %(community)s") % p,
        scoped=True,
    )
    register_kind(DECISION, gettext_lazy("Decisions on my requests to join"), Delivery.IMMEDIATE, _decision_message)
    register_kind(
        INVITATION,
        gettext_lazy("Invitations to communities"),
        Delivery.IMMEDIATE,
        lambda p, c: _("%(actor)s invited you to join %(community)s") % p,
    )
    register_kind(ROLE, gettext_lazy("Changes of my role in a community"), Delivery.IMMEDIATE, _role_message)
    register_scope_provider("community", community_scope_choices)


def community_scope_choices(user: Any) -> list[tuple[str, str]]:
    """The communities ``user`` is an active member of, as preference scopes (one query)."""
    rows = (
        Membership.objects.filter(user_id=user.pk, state=State.ACTIVE)
        .order_by("community__name", "community_id")
        .values_list("community_id", "community__name")
    )
    return [(scope_of(community_id), name) for community_id, name in rows]


def scope_of(community_id: int) -> str:
    return f"community:{community_id}"


# Hooks the services call (queue a task after commit; no query) -----------------------------------------


def _after_commit(task: Any, *args: Any) -> None:
    transaction.on_commit(partial(task.delay, *args))


def on_post_created(post: Post) -> None:
    from communities.core.tasks import post_notify_task

    _after_commit(post_notify_task, post.pk)


def on_mentions_changed(post: Post, comment: Comment | None = None) -> None:
    from communities.core.tasks import mentions_notify_task

    _after_commit(mentions_notify_task, post.pk, comment.pk if comment else None)


def on_comment_created(comment: Comment) -> None:
    from communities.core.tasks import comment_notify_task

    _after_commit(comment_notify_task, comment.pk)


def on_answer_accepted(post: Post, comment: Comment, actor_id: int | None) -> None:
    from communities.core.tasks import answer_accepted_notify_task

    _after_commit(answer_accepted_notify_task, post.pk, comment.pk, actor_id)


def on_post_reacted(post: Post, actor_id: int) -> None:
    from communities.core.tasks import reaction_notify_task

    _after_commit(reaction_notify_task, post.pk, actor_id)


def on_membership_requested(membership: Membership) -> None:
    from communities.core.tasks import membership_request_notify_task

    _after_commit(membership_request_notify_task, membership.pk)


def on_membership_decided(membership: Membership, *, approved: bool, actor_id: int | None) -> None:
    """Call before a declined row is deleted (its id is part of the event key)."""
    from communities.core.tasks import membership_decision_notify_task

    _after_commit(
        membership_decision_notify_task, membership.pk, membership.user_id, membership.community_id, approved, actor_id
    )


def on_members_invited(community: Community, user_ids: Iterable[int], actor_id: int | None) -> None:
    from communities.core.tasks import invitation_notify_task

    _after_commit(invitation_notify_task, community.pk, sorted(user_ids), actor_id, time.time_ns())


def on_role_changed(membership: Membership, actor_id: int | None) -> None:
    from communities.core.tasks import role_notify_task

    _after_commit(role_notify_task, membership.pk, membership.role, actor_id, time.time_ns())


# The work (run by the tasks) --------------------------------------------------------------------------


def _name(user: Any) -> str:
    return str(user.display_name or user.email) if user is not None else ""


def _post_url(post: Post, comment: Comment | None = None) -> str:
    url = reverse("communities:post_detail", kwargs={"pk": post.pk})
    return f"{url}#comment-{comment.pk}" if comment is not None else url


def _community_url(community: Community) -> str:
    return reverse("communities:community_detail", kwargs={"slug": community.slug})


def _readers(community: Community, user_ids: Iterable[int]) -> set[int]:
    """Those of ``user_ids`` who may read ``community``'s content now (one query)."""
    ids = {uid for uid in user_ids if uid}
    if not ids:
        return set()
    return set(readers_of_community(community).filter(pk__in=ids).values_list("pk", flat=True))


def _live_post(post_id: int) -> Post | None:
    post = Post.objects.select_related("community", "author").filter(pk=post_id).first()
    if post is None or post.deleted_at is not None or post.status != ContentStatus.PUBLISHED:
        return None
    return post


def _post_params(post: Post, actor: Any) -> dict[str, Any]:
    return {"actor": _name(actor), "title": post.title, "community": post.community.name}


def _notify_mentions(post: Post, comment: Comment | None) -> set[int]:
    rows = Mention.objects.filter(post=post, comment=comment) if comment else post.mentions.filter(comment=None)
    author = comment.author if comment else post.author
    recipients = _readers(post.community, set(rows.values_list("user_id", flat=True)) - {author.pk})
    if recipients:
        notify(
            recipient_ids=recipients,
            kind=MENTION,
            event_key=f"comment.mention:{comment.pk}" if comment else f"post.mention:{post.pk}",
            actor=author,
            scope=scope_of(post.community_id),
            url=_post_url(post, comment),
            params={**_post_params(post, author), "in": "comment" if comment else "post"},
        )
    return recipients


def notify_post_created(post_id: int) -> None:
    """Mentions, then everyone who follows the community: announcements reach all active members
    who have not muted it, other posts the members at level "all" (computed now, in the task)."""
    post = _live_post(post_id)
    if post is None:
        return
    mentioned = _notify_mentions(post, None)
    community = post.community
    members = Membership.objects.filter(community=community, state=State.ACTIVE)
    is_announcement = post.kind == Post.Kind.ANNOUNCEMENT
    if is_announcement:
        members = members.exclude(notification_level=Level.MUTED)
    else:
        members = members.filter(notification_level=Level.ALL)
    recipients = set(members.values_list("user_id", flat=True)) - mentioned - {post.author_id}
    notify(
        recipient_ids=recipients,
        kind=ANNOUNCEMENT if is_announcement else NEW_POST,
        event_key=f"post.created:{post.pk}",
        actor=post.author,
        scope=scope_of(community.pk),
        url=_post_url(post),
        params=_post_params(post, post.author),
    )


def notify_mentions(post_id: int, comment_id: int | None) -> None:
    """People newly mentioned by an edit (those mentioned before already have their row)."""
    post = _live_post(post_id)
    if post is None:
        return
    comment = None
    if comment_id is not None:
        comment = Comment.objects.select_related("author").filter(pk=comment_id, post=post).first()
        if comment is None or comment.deleted_at is not None or comment.status != ContentStatus.PUBLISHED:
            return
    _notify_mentions(post, comment)


def notify_comment_created(comment_id: int) -> None:
    """Mentions in the comment, the author of the comment replied to, and the post's author
    (an answer, on questions)."""
    comment = Comment.objects.select_related("author", "parent").filter(pk=comment_id).first()
    if comment is None or comment.deleted_at is not None or comment.status != ContentStatus.PUBLISHED:
        return
    post = _live_post(comment.post_id)
    if post is None:
        return
    comment.post = post
    done = _notify_mentions(post, comment) | {comment.author_id}
    readers = _readers(post.community, {post.author_id, comment.parent.author_id if comment.parent else 0})
    scope = scope_of(post.community_id)
    params = _post_params(post, comment.author)
    parent = comment.parent
    if parent is not None and parent.deleted_at is None and parent.author_id not in done:
        if parent.author_id in readers:
            notify(
                recipient_ids=[parent.author_id],
                kind=REPLY,
                event_key=f"comment.reply:{comment.pk}",
                actor=comment.author,
                scope=scope,
                url=_post_url(post, comment),
                params={**params, "to": "comment"},
            )
        done.add(parent.author_id)
    if post.author_id not in done and post.author_id in readers:
        answer = post.kind == Post.Kind.QUESTION and parent is None
        notify(
            recipient_ids=[post.author_id],
            kind=ANSWER if answer else REPLY,
            event_key=f"{'question.answer' if answer else 'post.reply'}:{comment.pk}",
            actor=comment.author,
            scope=scope,
            url=_post_url(post, comment),
            params={**params, "to": "post"},
        )


def notify_answer_accepted(post_id: int, comment_id: int, actor_id: int | None) -> None:
    post = _live_post(post_id)
    if post is None or post.accepted_comment_id != comment_id:
        return
    comment = Comment.objects.select_related("author").get(pk=comment_id)
    if comment.author_id == actor_id or comment.author_id not in _readers(post.community, [comment.author_id]):
        return
    actor = post.author if post.author_id == actor_id else _user(actor_id)
    notify(
        recipient_ids=[comment.author_id],
        kind=ACCEPTED,
        event_key=f"answer.accepted:{comment.pk}",
        actor=actor_id,
        scope=scope_of(post.community_id),
        url=_post_url(post, comment),
        params=_post_params(post, actor),
    )


def notify_post_reacted(post_id: int, actor_id: int) -> None:
    """One row per post for its author: it counts the people who reacted and comes back unread."""
    post = _live_post(post_id)
    if post is None or post.author_id == actor_id or post.author_id not in _readers(post.community, [post.author_id]):
        return
    reactors = (
        Reaction.objects.filter(post=post, comment__isnull=True)
        .exclude(user_id=post.author_id)
        .values("user_id")
        .distinct()
        .count()
    )
    if not reactors:
        return
    notify(
        recipient_ids=[post.author_id],
        kind=REACTIONS,
        event_key=f"post.reactions:{post.pk}",
        actor=actor_id,
        scope=scope_of(post.community_id),
        url=_post_url(post),
        params=_post_params(post, _user(actor_id)),
        count=reactors,
        batch=True,
    )


def _user(user_id: int | None) -> Any:
    if user_id is None:
        return None
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=user_id).only("pk", "display_name", "email").first()


def notify_membership_requested(membership_id: int) -> None:
    """A request to join: every active owner and manager of the community hears about it."""
    membership = Membership.objects.select_related("user", "community").filter(pk=membership_id).first()
    if membership is None or membership.state != State.PENDING:
        return
    community = membership.community
    managers = Membership.objects.filter(
        community=community, state=State.ACTIVE, role__in=(Role.OWNER, Role.MANAGER)
    ).values_list("user_id", flat=True)
    url = reverse("communities:member_list", kwargs={"slug": community.slug}) + "#pending-requests"
    notify(
        recipient_ids=list(managers),
        kind=REQUEST,
        event_key=f"membership.request:{membership.pk}",
        actor=membership.user,
        scope=scope_of(community.pk),
        url=url,
        params={"actor": _name(membership.user), "community": community.name},
    )


def notify_membership_decided(
    membership_id: int, user_id: int, community_id: int, approved: bool, actor_id: int | None
) -> None:
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        return
    notify(
        recipient_ids=[user_id],
        kind=DECISION,
        event_key=f"membership.{'approved' if approved else 'declined'}:{membership_id}",
        actor=actor_id,
        scope=scope_of(community.pk),
        url=_community_url(community),
        params={"community": community.name, "approved": approved},
    )


def notify_members_invited(community_id: int, user_ids: list[int], actor_id: int | None, token: int) -> None:
    """Invitations still open when the task runs (an invitation taken back is not announced)."""
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        return
    open_ids = Membership.objects.filter(community=community, user_id__in=user_ids, state=State.INVITED).values_list(
        "user_id", flat=True
    )
    notify(
        recipient_ids=list(open_ids),
        kind=INVITATION,
        event_key=f"membership.invitation:{community.pk}:{token}",
        actor=actor_id,
        scope=scope_of(community.pk),
        url=_community_url(community),
        params={"actor": _name(_user(actor_id)), "community": community.name},
    )


def notify_role_changed(membership_id: int, role: str, actor_id: int | None, token: int) -> None:
    membership = Membership.objects.select_related("community").filter(pk=membership_id).first()
    if membership is None or membership.state != State.ACTIVE or membership.role != role:
        return
    notify(
        recipient_ids=[membership.user_id],
        kind=ROLE,
        event_key=f"membership.role:{membership.pk}:{token}",
        actor=actor_id,
        scope=scope_of(membership.community_id),
        url=_community_url(membership.community),
        params={"actor": _name(_user(actor_id)), "community": membership.community.name, "role": role},
    )
