"""Notifications about what happens in communities: the kinds, and who hears about memberships.

The kinds of every communities notification are registered here (posts' fan-out lives in
``communities.posts.notify``). The membership services record outbox events
(``communities.core.events``); the subscribers below run queued, after commit (no query in the
request, whatever the community's size), compute the recipients from the committed state and hand
them to :func:`intranet.notifications.services.notify`: chunked bulk inserts, unique per recipient
and event, so a delivery that runs twice notifies nobody twice.

Rules: nobody hears about their own action; nobody is told about content they cannot read (in
private and secret communities only active members); one event reaches one person once, through the
most specific kind (a mention beats a reply, a reply to one's comment beats a comment on one's post).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from communities.core import events
from communities.core.models import Community, Membership
from intranet.core.outbox import Event, subscriber
from intranet.notifications.kinds import Delivery, register_kind, register_scope_provider
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


# The work (run by the subscribers) --------------------------------------------------------------------


def person_name(user: Any) -> str:
    return str(user.display_name or user.email) if user is not None else ""


def user_brief(user_id: int | None) -> Any:
    if user_id is None:
        return None
    return get_user_model().objects.filter(pk=user_id).only("pk", "display_name", "email").first()


def _community_url(community: Community) -> str:
    return reverse("communities:community_detail", kwargs={"slug": community.slug})


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
        params={"actor": person_name(membership.user), "community": community.name},
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
        params={"actor": person_name(user_brief(actor_id)), "community": community.name},
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
        params={"actor": person_name(user_brief(actor_id)), "community": membership.community.name, "role": role},
    )


# Subscribers (run queued, once per event) -------------------------------------------------------------


@subscriber(events.MEMBERSHIP_REQUESTED, name="communities.core.notify_membership_requested")
def on_membership_requested(event: Event) -> None:
    notify_membership_requested(event["membership_id"])


@subscriber(events.MEMBERSHIP_DECIDED, name="communities.core.notify_membership_decided")
def on_membership_decided(event: Event) -> None:
    notify_membership_decided(
        event["membership_id"], event["user_id"], event["community_id"], event["approved"], event["actor_id"]
    )


@subscriber(events.MEMBERS_INVITED, name="communities.core.notify_members_invited")
def on_members_invited(event: Event) -> None:
    notify_members_invited(event["community_id"], event["user_ids"], event["actor_id"], event["token"])


@subscriber(events.MEMBERSHIP_ROLE_CHANGED, name="communities.core.notify_role_changed")
def on_role_changed(event: Event) -> None:
    notify_role_changed(event["membership_id"], event["role"], event["actor_id"], event["token"])
