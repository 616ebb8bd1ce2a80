"""The events a subscription may choose, and how an outbox event becomes a webhook payload.

A payload carries ids, the event kind, links and timestamps, never content (no titles, no text, no
names): whoever reads it follows the link and meets the platform's own permission checks. Only
the fields listed here leave the platform, whatever the outbox event holds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Link = Callable[[Mapping[str, Any], str], str]


def _post_link(data: Mapping[str, Any], _slug: str) -> str:
    return reverse("communities:post_detail", kwargs={"pk": data["post_id"]})


def _community_link(_data: Mapping[str, Any], slug: str) -> str:
    return reverse("communities:community_detail", kwargs={"slug": slug}) if slug else ""


def _session_link(data: Mapping[str, Any], _slug: str) -> str:
    return reverse("training:session_detail", args=[data["session_id"]])


def _meetup_link(data: Mapping[str, Any], _slug: str) -> str:
    return reverse("meetups:event_detail", kwargs={"pk": data["meetup_id"]})


@dataclass(frozen=True)
class EventType:
    key: str
    label: str | Promise
    #: The outbox events it is made of.
    sources: tuple[str, ...]
    #: ``{payload name: outbox field}``: the only fields that leave the platform.
    fields: Mapping[str, str]
    #: Community events go to that community's subscriptions and to platform subscriptions whose
    #: creator may read the community; the others only to platform subscriptions.
    community: bool
    link: Link | None = None


def _same(*names: str) -> dict[str, str]:
    return {name: name for name in names}


EVENT_TYPES: tuple[EventType, ...] = (
    EventType(
        "post.created",
        _("Post created"),
        ("post.created", "post.approved"),
        _same("post_id", "community_id", "author_id"),
        community=True,
        link=_post_link,
    ),
    EventType(
        "post.edited",
        _("Post edited"),
        ("post.edited",),
        _same("post_id", "community_id", "author_id", "editor_id"),
        community=True,
        link=_post_link,
    ),
    EventType(
        "post.deleted",
        _("Post deleted"),
        ("post.deleted",),
        _same("post_id", "community_id", "author_id"),
        community=True,
    ),
    EventType(
        "comment.created",
        _("Comment created"),
        ("comment.created",),
        _same("comment_id", "post_id", "community_id"),
        community=True,
        link=_post_link,
    ),
    EventType(
        "membership.joined",
        _("Member joined"),
        ("membership.joined",),
        _same("community_id", "user_id", "role"),
        community=True,
        link=_community_link,
    ),
    EventType(
        "membership.left",
        _("Member left"),
        ("membership.left",),
        _same("community_id", "user_id", "role", "how"),
        community=True,
        link=_community_link,
    ),
    EventType(
        "report.opened",
        _("Report opened"),
        ("report.opened",),
        _same("report_id", "community_id", "post_id", "comment_id"),
        community=True,
    ),
    EventType(
        "training_session.booked",
        _("Training session booked"),
        ("training_session.booked",),
        _same("booking_id", "session_id", "user_id", "status"),
        community=False,
        link=_session_link,
    ),
    EventType(
        "meetup.created",
        _("Meetup created"),
        ("meetup.created",),
        {"meetup_id": "event_id", "series_id": "series_id"},
        community=False,
        link=_meetup_link,
    ),
)

TEST_EVENT = "webhook.test"
CHOOSE_EVENTS_MESSAGE = _("Choose at least one of the events offered.")
BY_KEY = {event_type.key: event_type for event_type in EVENT_TYPES}
BY_SOURCE = {source: event_type for event_type in EVENT_TYPES for source in event_type.sources}
SOURCE_EVENTS = tuple(BY_SOURCE)


def choices(*, community: bool) -> list[tuple[str, str | Promise]]:
    """The event types a subscription may choose: community subscriptions only community events."""
    return [(t.key, t.label) for t in EVENT_TYPES if t.community or not community]


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}" if path else ""


def payload_for(
    event_type: EventType, outbox_payload: Mapping[str, Any], *, timestamp: str, community_slug: str
) -> dict[str, Any]:
    """The webhook body (Standard Webhooks shape: ``type``, ``timestamp``, ``data``)."""
    data = {name: outbox_payload.get(source) for name, source in event_type.fields.items()}
    if event_type.link is not None:
        data["url"] = absolute(event_type.link(data, community_slug))
    return {"type": event_type.key, "timestamp": timestamp, "data": data}
