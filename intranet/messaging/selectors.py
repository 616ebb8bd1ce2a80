"""Reads for the messaging screens: inbox, search, one conversation, the unread badge."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from intranet.accounts.models import User
from intranet.accounts.permissions import visible_users
from intranet.core.pagination import Page, keyset_page
from intranet.core.permissions import require_visible
from intranet.core.switches import read_receipts_allowed
from intranet.core.viewer import Viewer

from .models import MAX_PARTICIPANTS, Block, Conversation, Message, Participant, direct_key_for
from .permissions import can_send_message, can_view_conversation

INBOX_PAGE_SIZE = 25
MESSAGE_PAGE_SIZE = 30
SEARCH_PAGE_SIZE = 20
MAX_SEARCH_WORDS = 5
MAX_QUERY_LENGTH = 100


def unread_totals(user_ids: Iterable[int]) -> dict[int, int]:
    """Each person's unread-message total over the conversations they are in (one query)."""
    ids = list(user_ids)
    totals = dict.fromkeys(ids, 0)
    if not ids:
        return totals
    rows = (
        Participant.objects.filter(user_id__in=ids, left_at__isnull=True, unread_count__gt=0)
        .order_by()
        .values("user_id")
        .annotate(total=Sum("unread_count"))
        .values_list("user_id", "total")
    )
    totals.update({user_id: total or 0 for user_id, total in rows})
    return totals


def conversation_unread_totals(conversation_id: int) -> dict[int, int]:
    """Unread totals of everyone currently in the conversation, over all their conversations (one query)."""
    members = Participant.objects.filter(conversation_id=conversation_id, left_at__isnull=True).values("user_id")
    rows = (
        Participant.objects.filter(user_id__in=members, left_at__isnull=True)
        .order_by()
        .values("user_id")
        .annotate(total=Sum("unread_count"))
        .values_list("user_id", "total")
    )
    return {user_id: total or 0 for user_id, total in rows}


def _members_prefetch(path: str) -> Prefetch:
    return Prefetch(
        path,
        queryset=Participant.objects.filter(left_at__isnull=True).select_related("user__profile").order_by("id"),
        to_attr="member_rows",
    )


def _label(conversation: Conversation, viewer_id: int | None) -> None:
    """Attach ``others`` (the other current participants) and ``display_title`` to ``conversation``."""
    rows: list[Participant] = getattr(conversation, "member_rows", [])
    others = [row.user for row in rows if row.user_id != viewer_id]
    conversation.others = others  # type: ignore[attr-defined]
    if conversation.title:
        title = conversation.title
    elif not others:
        title = _("Only you")
    elif len(others) <= 3:
        title = ", ".join(person.display_name for person in others)
    else:
        shown = ", ".join(person.display_name for person in others[:3])
        title = _("%(names)s and %(count)s more") % {"names": shown, "count": len(others) - 3}
    conversation.display_title = title  # type: ignore[attr-defined]


def conversation_list_for_inbox(
    *, viewer: Viewer, cursor: str | None = None, page_size: int = INBOX_PAGE_SIZE
) -> Page[Participant]:
    """The viewer's conversations, the one with the newest message first: their participant rows
    with the conversation (``display_title``, ``others``) and its last message preview. Two
    queries (rows, the people in them), whatever the page holds. Raises ``InvalidCursor``.
    """
    user_id = viewer.user_id
    if user_id is None:
        return Page(items=[], next_cursor=None)
    qs = (
        Participant.objects.filter(user_id=user_id, left_at__isnull=True)
        .select_related("conversation__last_message_author")
        .prefetch_related(_members_prefetch("conversation__participants"))
    )
    page = keyset_page(qs, ordering=("-last_message_at", "-id"), cursor=cursor, page_size=page_size)
    for row in page.items:
        _label(row.conversation, viewer.user_id)
    return page


def _search_words(query: str) -> list[str]:
    return [word for word in query[:MAX_QUERY_LENGTH].split() if word][:MAX_SEARCH_WORDS]


def message_search_for_viewer(
    *, viewer: Viewer, query: str, cursor: str | None = None, page_size: int = SEARCH_PAGE_SIZE
) -> Page[Message]:
    """Messages of the viewer's conversations containing every word of ``query`` (case-insensitive,
    any part of a word), newest first, each with its conversation labelled. Two queries. The
    trigram index on ``body_text`` answers the ILIKE conditions (see ``models``).
    """
    words = _search_words(query)
    user_id = viewer.user_id
    if user_id is None or not words:
        return Page(items=[], next_cursor=None)
    mine = Participant.objects.filter(user_id=user_id, left_at__isnull=True).values("conversation_id")
    condition = Q()
    for word in words:
        condition &= Q(body_text__icontains=word)
    qs = (
        Message.objects.filter(condition, conversation_id__in=mine)
        .select_related("author", "conversation")
        .prefetch_related(_members_prefetch("conversation__participants"))
    )
    page = keyset_page(qs, ordering=("-id",), cursor=cursor, page_size=page_size)
    for message in page.items:
        _label(message.conversation, viewer.user_id)
    return page


def participant_get_for_viewer(*, viewer: Viewer, conversation_id: int) -> Participant:
    """The viewer's own participant row, with its conversation (one query). ``Http404`` for missing
    conversations and for ones the viewer is not (or no longer) in alike."""
    user_id = viewer.user_id
    if user_id is None:
        raise Http404
    try:
        participant = Participant.objects.select_related("conversation").get(
            conversation_id=conversation_id, user_id=user_id
        )
    except Participant.DoesNotExist:
        raise Http404 from None
    require_visible(can_view_conversation(viewer, participant.conversation, participant))
    return participant


@dataclass
class ConversationPage:
    conversation: Conversation
    participant: Participant
    members: list[Participant]
    """Current participants (the viewer included) with user, profile and block flags."""
    messages: list[Message]
    """Oldest first (the page is read from newest back)."""
    older_cursor: str | None
    can_send: bool
    blocked_by_me: bool
    """One-to-one: the viewer has blocked the other person."""
    blocks_me: bool
    """One-to-one: the other person has blocked the viewer."""
    read_by: list[User] = field(default_factory=list)
    """Others who have read the viewer's own newest message; always empty when the works council
    switched read receipts off (``PRIVACY_READ_RECEIPTS``)."""

    @property
    def other(self) -> User | None:
        others = [row.user for row in self.members if row.user_id != self.participant.user_id]
        return others[0] if len(others) == 1 and not self.conversation.is_group else None


def message_page_for_conversation(
    *, conversation: Conversation, cursor: str | None = None, page_size: int = MESSAGE_PAGE_SIZE
) -> Page[Message]:
    """One page of a conversation's messages, newest first, with authors (one query). The caller
    has checked that the viewer may read the conversation. Raises ``InvalidCursor``."""
    qs = Message.objects.filter(conversation_id=conversation.pk).select_related("author__profile")
    return keyset_page(qs, ordering=("-id",), cursor=cursor, page_size=page_size)


def conversation_page_for_viewer(
    *, viewer: Viewer, conversation_id: int, cursor: str | None = None
) -> ConversationPage:
    """Everything the conversation page shows (three queries: the viewer's row, the participants
    with their block flags, a page of messages). ``Http404`` for non-participants and missing
    conversations alike; raises ``InvalidCursor``."""
    participant = participant_get_for_viewer(viewer=viewer, conversation_id=conversation_id)
    conversation = participant.conversation
    members: list[Participant] = list(
        Participant.objects.filter(conversation_id=conversation.pk, left_at__isnull=True)
        .select_related("user__profile")
        .annotate(
            blocked_by_me=Exists(Block.objects.filter(blocker_id=viewer.user_id, blocked_id=OuterRef("user_id"))),
            blocks_me=Exists(Block.objects.filter(blocker_id=OuterRef("user_id"), blocked_id=viewer.user_id)),
        )
        .order_by("id")
    )
    conversation.member_rows = members  # type: ignore[attr-defined]
    _label(conversation, viewer.user_id)
    page = message_page_for_conversation(conversation=conversation, cursor=cursor)
    others = [row for row in members if row.user_id != viewer.user_id]
    blocked_by_me = any(row.blocked_by_me for row in others)  # type: ignore[attr-defined]
    blocks_me = any(row.blocks_me for row in others)  # type: ignore[attr-defined]
    # A receipt is for the sender: shown under the viewer's own newest message only.
    newest = page.items[0].pk if page.items and not cursor and page.items[0].author_id == viewer.user_id else None
    read_by = [
        row.user
        for row in others
        if read_receipts_allowed() and newest is not None and (row.last_read_message_id or 0) >= newest
    ]
    return ConversationPage(
        conversation=conversation,
        participant=participant,
        members=members,
        messages=list(reversed(page.items)),
        older_cursor=page.next_cursor,
        can_send=can_send_message(viewer, conversation, participant, blocked=blocked_by_me or blocks_me),
        blocked_by_me=blocked_by_me,
        blocks_me=blocks_me,
        read_by=read_by,
    )


def message_get_for_viewer(*, viewer: Viewer, participant: Participant, message_id: int) -> Message:
    """One message of the viewer's conversation, with its author (one query), or ``Http404``."""
    require_visible(can_view_conversation(viewer, participant.conversation, participant))
    try:
        return Message.objects.select_related("author__profile").get(
            pk=message_id, conversation_id=participant.conversation_id
        )
    except Message.DoesNotExist:
        raise Http404 from None


def unread_total_for_viewer(*, viewer: Viewer) -> int:
    """The number for the header badge: the sum of the viewer's stored unread counts (one query)."""
    if not viewer.is_authenticated or viewer.user_id is None:
        return 0
    return unread_totals([viewer.user_id])[viewer.user_id]


def people_for_handles(*, viewer: Viewer, handles: Iterable[str]) -> list[User]:
    """Active people behind ``handles`` (at most ``MAX_PARTICIPANTS`` - 1, the viewer left out), with
    profiles, in the order given (one query, none for no handles)."""
    wanted = list(dict.fromkeys(h.strip().lstrip("@").lower() for h in handles if h and h.strip()))
    wanted = wanted[: MAX_PARTICIPANTS + 5]
    if not wanted:
        return []
    people = visible_users(viewer, User.objects.all()).select_related("profile").filter(handle__in=wanted)
    if viewer.user_id is not None:
        people = people.exclude(pk=viewer.user_id)
    by_handle = {person.handle: person for person in people}
    return [by_handle[h] for h in wanted if h in by_handle]


def direct_conversation_id(*, viewer: Viewer, other: User) -> int | None:
    """The id of the one-to-one conversation between the viewer and ``other``, if there is one."""
    if viewer.user_id is None:
        return None
    qs: QuerySet[Conversation] = Conversation.objects.filter(direct_key=direct_key_for(viewer.user_id, other.pk))
    return qs.values_list("pk", flat=True).first()
