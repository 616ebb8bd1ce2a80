"""Writes for direct messages: start a conversation, send, mark read, leave a group, block.

Every service runs in one transaction and records its outbox event there (``events.py``); after
commit ``realtime.py`` publishes ``message.created`` {conversation_id, message_id} to
``conversation.<id>`` and ``messages.changed`` {unread} to the ``user.<id>`` group of every
participant whose unread total changed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from html import escape
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    BigIntegerField,
    Case,
    DateTimeField,
    F,
    PositiveIntegerField,
    Q,
    Value,
    When,
)
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from intranet.core import realtime
from intranet.core.idempotency import idempotent
from intranet.core.markdown import plain_text, render_markdown
from intranet.core.permissions import require
from intranet.core.switches import read_receipts_allowed
from intranet.core.viewer import Viewer, as_viewer

from . import events
from .models import (
    MAX_BODY_LENGTH,
    MAX_PARTICIPANTS,
    MAX_TITLE_LENGTH,
    PREVIEW_LENGTH,
    Block,
    Conversation,
    Message,
    Participant,
    direct_key_for,
)
from .permissions import can_block_user, can_leave_conversation, can_send_message, can_view_conversation

if TYPE_CHECKING:
    from intranet.accounts.models import User


def _user(viewer: Viewer) -> User:
    require(viewer.is_authenticated)
    return viewer.user  # type: ignore[return-value]


def _clean_body(body: str) -> str:
    text = (body or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError({"body": _("Write a message.")}, code="empty")
    if len(text) > MAX_BODY_LENGTH:
        raise ValidationError(
            {
                "body": _("A message can have at most %(limit)s characters.")
                % {"limit": number_format(MAX_BODY_LENGTH, force_grouping=True)}
            },
            code="too_long",
        )
    return text


def blocked_pairs(user_id: int, other_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(blocker, blocked) pairs between ``user_id`` and any of ``other_ids``, both ways (one query)."""
    others = list(other_ids)
    if not others:
        return set()
    rows = Block.objects.filter(
        Q(blocker_id=user_id, blocked_id__in=others) | Q(blocked_id=user_id, blocker_id__in=others)
    ).values_list("blocker_id", "blocked_id")
    return set(rows)


def _check_blocks(user: User, recipients: Sequence[User]) -> None:
    pairs = blocked_pairs(user.pk, [r.pk for r in recipients])
    if not pairs:
        return
    names = {r.pk: r.display_name for r in recipients}
    blocked_by_me = sorted(names[blocked] for blocker, blocked in pairs if blocker == user.pk)
    if blocked_by_me:
        raise ValidationError(
            _("You have blocked %(names)s. Unblock them first to send them messages.")
            % {"names": ", ".join(blocked_by_me)},
            code="blocked_by_you",
        )
    blockers = sorted(names[blocker] for blocker, blocked in pairs if blocked == user.pk)
    raise ValidationError(_("You cannot send messages to %(names)s.") % {"names": ", ".join(blockers)}, code="blocked")


def _check_recipients(user: User, recipients: Sequence[User]) -> list[User]:
    unique: dict[int, User] = {}
    for person in recipients:
        if person.pk != user.pk:
            unique.setdefault(person.pk, person)
    people = list(unique.values())
    if not people:
        raise ValidationError({"to": _("Choose at least one person to write to.")}, code="no_recipients")
    if len(people) > MAX_PARTICIPANTS - 1:
        raise ValidationError(
            {"to": _("A conversation can have at most %(limit)s people, you included.") % {"limit": MAX_PARTICIPANTS}},
            code="too_many",
        )
    inactive = sorted(p.display_name for p in people if not p.is_active)
    if inactive:
        raise ValidationError(
            {"to": _("%(names)s can no longer receive messages.") % {"names": ", ".join(inactive)}}, code="inactive"
        )
    return people


def _replay_start(message_pk: str) -> tuple[Conversation, Message]:
    message = Message.objects.select_related("conversation").get(pk=message_pk)
    return message.conversation, message


@idempotent("messaging.conversation_start", replay=_replay_start, created=lambda result: result[1])
def conversation_start(
    *,
    actor: Viewer | User,
    recipients: Sequence[User],
    body: str,
    title: str = "",
    idempotency_key: uuid.UUID | None = None,
) -> tuple[Conversation, Message]:
    """Start a conversation with ``recipients`` and send its first message.

    One recipient means the one-to-one conversation of the two people: an existing one is reused
    (its first message here is just the next message). Two or more make a new group of at most
    ``MAX_PARTICIPANTS`` people with an optional title. Refused with a ``ValidationError`` (nothing
    saved) for inactive recipients, too many people, and a block between the starter and anyone
    invited. Publishes like :func:`message_send`. With ``idempotency_key`` (the form's), sending
    the same form again returns the conversation and message it created.
    """
    viewer = as_viewer(actor)
    user = _user(viewer)
    people = _check_recipients(user, recipients)
    text = _clean_body(body)
    _check_blocks(user, people)
    title = " ".join((title or "").split())[:MAX_TITLE_LENGTH]
    now = timezone.now()
    if len(people) == 1:
        conversation, created = Conversation.objects.get_or_create(
            direct_key=direct_key_for(user.pk, people[0].pk),
            defaults={
                "kind": Conversation.Kind.DIRECT,
                "created_by": user,
                "created_at": now,
                "participant_count": 2,
                "last_message_at": now,
            },
        )
        if created:
            Participant.objects.bulk_create(
                [
                    Participant(conversation=conversation, user=person, joined_at=now, last_message_at=now)
                    for person in (user, people[0])
                ]
            )
    else:
        conversation = Conversation.objects.create(
            kind=Conversation.Kind.GROUP,
            title=title,
            created_by=user,
            created_at=now,
            participant_count=len(people) + 1,
            last_message_at=now,
        )
        Participant.objects.bulk_create(
            [
                Participant(conversation=conversation, user=person, joined_at=now, last_message_at=now)
                for person in (user, *people)
            ]
        )
    message = _send(viewer=viewer, user=user, conversation_id=conversation.pk, text=text, checked_blocks=True)
    conversation.refresh_from_db()
    return conversation, message


@idempotent("messaging.message_send", replay=lambda pk: Message.objects.get(pk=pk))
def message_send(
    *, actor: Viewer | User, conversation: Conversation, body: str, idempotency_key: uuid.UUID | None = None
) -> Message:
    """Send ``body`` (Markdown, sanitised) to ``conversation``.

    Only current participants may send; in a one-to-one conversation a block either way refuses the
    message with a ``ValidationError`` and saves nothing. Locks the conversation row, so its "last
    message" is the last one sent. Sets every other participant's ``unread_count`` one higher (the
    author's to zero) and publishes, on commit, ``message.created`` to ``conversation.<id>`` and
    ``messages.changed`` with the new unread total to each other participant. With
    ``idempotency_key`` (the form's), sending the same form again returns the message it created.
    """
    viewer = as_viewer(actor)
    user = _user(viewer)
    text = _clean_body(body)
    return _send(viewer=viewer, user=user, conversation_id=conversation.pk, text=text, checked_blocks=False)


def _send(*, viewer: Viewer, user: User, conversation_id: int, text: str, checked_blocks: bool) -> Message:
    # The author's row and the conversation, both locked: sends to one conversation queue up here,
    # so its "last message" is the last one sent, and a concurrent leave is seen before we write.
    mine = (
        Participant.objects.select_related("conversation")
        .select_for_update(of=("self", "conversation"))
        .filter(conversation_id=conversation_id, user_id=user.pk)
        .first()
    )
    require(mine is not None)
    assert mine is not None  # for mypy: require() raised otherwise
    conversation = mine.conversation
    require(can_view_conversation(viewer, conversation, mine))
    blocked = False
    if not conversation.is_group and not checked_blocks:
        pairs = blocked_pairs(user.pk, [_other_in_direct(conversation, user.pk)])
        blocked = bool(pairs)
        if any(blocker == user.pk for blocker, _blocked in pairs):
            raise ValidationError(
                _("You have blocked this person. Unblock them to send messages."), code="blocked_by_you"
            )
    if not can_send_message(viewer, conversation, mine, blocked=blocked):
        raise ValidationError(_("You cannot send messages to this person."), code="blocked")
    rendered = render_markdown(text)
    body_text = plain_text(rendered.html)
    now = timezone.now()
    message = Message.objects.create(
        conversation=conversation,
        author=user,
        body_source=text,
        body_html=rendered.html,
        body_text=body_text,
        created_at=now,
    )
    Participant.objects.filter(conversation=conversation, left_at__isnull=True).update(
        last_message_at=now,
        unread_count=Case(
            When(user_id=user.pk, then=Value(0)), default=F("unread_count") + 1, output_field=PositiveIntegerField()
        ),
        # When someone read is a read receipt: not recorded when the works council switched them off.
        last_read_at=Case(
            When(user_id=user.pk, then=Value(now if read_receipts_allowed() else None)),
            default=F("last_read_at"),
            output_field=DateTimeField(),
        ),
        last_read_message_id=Case(
            When(user_id=user.pk, then=Value(message.pk if read_receipts_allowed() else None)),
            default=F("last_read_message_id"),
            output_field=BigIntegerField(),
        ),
    )
    Conversation.objects.filter(pk=conversation.pk).update(
        last_message_at=now,
        last_message=message,
        last_message_author=user,
        last_message_preview=plain_text(escape(body_text), limit=PREVIEW_LENGTH),
    )
    events.message_created(
        conversation_id=conversation.pk,
        message_id=message.pk,
        author_id=user.pk,
        author_had_unread=bool(mine.unread_count),
    )
    return message


def _other_in_direct(conversation: Conversation, user_id: int) -> int:
    low, high = (int(part) for part in (conversation.direct_key or "0:0").split(":"))
    return high if low == user_id else low


def conversation_mark_read(*, actor: Viewer | User, participant: Participant) -> bool:
    """Mark the conversation read for the viewer's ``participant`` row (up to its last message).

    Does nothing (no query) when nothing is unread. Otherwise sets the row's ``unread_count`` to
    zero and publishes ``messages.changed`` with the viewer's new total to their other tabs.
    Returns whether anything changed.
    """
    viewer = as_viewer(actor)
    require(viewer.is_authenticated and participant.user_id == viewer.user_id and participant.left_at is None)
    if not participant.unread_count:
        return False
    with transaction.atomic():
        now = timezone.now()
        last_id = Message.objects.filter(conversation_id=participant.conversation_id).order_by("-id").values("id")[:1]
        receipts = read_receipts_allowed()
        read_at = now if receipts else None
        Participant.objects.filter(pk=participant.pk).update(
            unread_count=0, last_read_at=read_at, last_read_message_id=last_id if receipts else None
        )
        participant.unread_count = 0
        participant.last_read_at = read_at
        events.conversation_read(conversation_id=participant.conversation_id, user_id=participant.user_id)
    return True


@transaction.atomic
def conversation_leave(*, actor: Viewer | User, conversation: Conversation, participant: Participant) -> None:
    """Leave a group conversation: the viewer stops seeing it at once (their sockets leave its topic
    on commit) and their unread count for it is dropped."""
    viewer = as_viewer(actor)
    require(can_leave_conversation(viewer, conversation, participant))
    now = timezone.now()
    updated = Participant.objects.filter(pk=participant.pk, left_at__isnull=True).update(left_at=now, unread_count=0)
    if not updated:
        return
    Conversation.objects.filter(pk=conversation.pk).update(participant_count=F("participant_count") - 1)
    participant.left_at = now
    # Access control, not a domain side effect: stays a direct call.
    realtime.revoke_on_commit(participant.user_id, conversation.topic)
    events.conversation_left(conversation_id=conversation.pk, user_id=participant.user_id)


@transaction.atomic
def block_create(*, actor: Viewer | User, blocked: User) -> None:
    """Block ``blocked``: they can no longer start a conversation with the actor or write to them in
    one-to-one conversations (nor the actor to them, until unblocked). Idempotent."""
    viewer = as_viewer(actor)
    user = _user(viewer)
    require(can_block_user(viewer, blocked))
    # One statement whether or not the block exists (INSERT ... ON CONFLICT DO NOTHING).
    Block.objects.bulk_create([Block(blocker=user, blocked=blocked)], ignore_conflicts=True)


@transaction.atomic
def block_delete(*, actor: Viewer | User, blocked: User) -> None:
    """Lift the actor's block of ``blocked`` (nothing happens if there is none)."""
    viewer = as_viewer(actor)
    user = _user(viewer)
    Block.objects.filter(blocker=user, blocked=blocked).delete()
