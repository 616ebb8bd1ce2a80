"""Services: starting and reusing conversations, unread counters, read state, leaving, events on commit."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from intranet.core import realtime
from intranet.core.viewer import Viewer
from intranet.messaging import selectors, services
from intranet.messaging.models import Conversation, Message, Participant
from intranet.messaging.selectors import unread_total_for_viewer
from tests.messaging.conftest import make_user, send, start

pytestmark = pytest.mark.django_db


def _unread(conversation: Conversation, user: Any) -> int:
    return Participant.objects.get(conversation=conversation, user=user).unread_count


def _row(conversation: Conversation, user: Any) -> Participant:
    return Participant.objects.select_related("conversation").get(conversation=conversation, user=user)


def test_one_to_one_conversation_is_reused(anna, ben):
    first = start(anna, [ben], "Hi Ben")
    again = start(ben, [anna], "Hi Anna")
    assert first.pk == again.pk
    assert Conversation.objects.count() == 1
    assert first.kind == Conversation.Kind.DIRECT and first.participant_count == 2
    assert list(Message.objects.filter(conversation=first).order_by("id").values_list("body_source", flat=True)) == [
        "Hi Ben",
        "Hi Anna",
    ]


def test_groups_are_new_each_time_and_keep_their_title(anna, ben, carla):
    one = start(anna, [ben, carla], title="  Team   lunch ")
    two = start(anna, [ben, carla])
    assert one.pk != two.pk
    assert one.kind == Conversation.Kind.GROUP and one.title == "Team lunch" and one.participant_count == 3


def test_message_is_markdown_sanitised_with_plain_text_for_search(anna, ben):
    conversation = start(anna, [ben], "**Hallo** <script>alert(1)</script> [x](javascript:alert(1))")
    message = Message.objects.get(conversation=conversation)
    assert "<strong>Hallo</strong>" in message.body_html
    assert "<script>" not in message.body_html and 'href="javascript' not in message.body_html
    assert message.body_text.startswith("Hallo <script>alert(1)</script>")
    conversation.refresh_from_db()
    assert conversation.last_message_id == message.pk
    assert conversation.last_message_author_id == anna.pk
    assert conversation.last_message_preview.startswith("Hallo <script>")


def test_preview_is_cut_at_a_word(anna, ben):
    conversation = start(anna, [ben], "word " * 100)
    assert len(conversation.last_message_preview) <= 140
    assert conversation.last_message_preview.endswith("word…")


def test_unread_counts_follow_sends_and_reads(anna, ben, carla):
    group = start(anna, [ben, carla], "one")
    send(anna, group, "two")
    assert (_unread(group, anna), _unread(group, ben), _unread(group, carla)) == (0, 2, 2)
    send(ben, group, "three")
    # Writing counts as reading: Ben is at zero, everyone else got one more.
    assert (_unread(group, anna), _unread(group, ben), _unread(group, carla)) == (1, 0, 3)
    assert services.conversation_mark_read(actor=carla, participant=_row(group, carla))
    assert _unread(group, carla) == 0
    row = _row(group, carla)
    assert row.last_read_message_id == Message.objects.filter(conversation=group).latest("id").pk
    assert row.last_read_at is not None
    # Nothing unread: no write at all.
    assert not services.conversation_mark_read(actor=carla, participant=row)


def test_unread_total_sums_over_conversations(anna, ben, carla):
    start(anna, [carla], "a")
    group = start(ben, [anna, carla], "b")
    send(ben, group, "c")
    assert unread_total_for_viewer(viewer=Viewer(carla)) == 3
    assert unread_total_for_viewer(viewer=Viewer(anna)) == 2
    assert unread_total_for_viewer(viewer=Viewer(ben)) == 0
    assert selectors.unread_totals([anna.pk, ben.pk, carla.pk]) == {anna.pk: 2, ben.pk: 0, carla.pk: 3}


def test_inbox_order_follows_the_last_message(anna, ben, carla):
    first = start(anna, [ben], "old")
    second = start(anna, [carla], "newer")
    rows = Participant.objects.filter(user=anna).order_by("-last_message_at", "-id")
    assert [r.conversation_id for r in rows] == [second.pk, first.pk]
    send(ben, first, "newest")
    rows = Participant.objects.filter(user=anna).order_by("-last_message_at", "-id")
    assert [r.conversation_id for r in rows] == [first.pk, second.pk]


def test_leaving_a_group(anna, ben, carla):
    group = start(anna, [ben, carla])
    services.conversation_leave(actor=carla, conversation=group, participant=_row(group, carla))
    group.refresh_from_db()
    assert group.participant_count == 2
    row = _row(group, carla)
    assert row.left_at is not None and row.unread_count == 0
    send(anna, group, "after carla left")
    assert _unread(group, carla) == 0 and _unread(group, ben) == 2


def test_one_to_one_conversations_cannot_be_left(anna, ben):
    from django.core.exceptions import PermissionDenied

    direct = start(anna, [ben])
    with pytest.raises(PermissionDenied):
        services.conversation_leave(actor=anna, conversation=direct, participant=_row(direct, anna))


def test_start_saves_nothing_when_the_message_is_empty(anna, ben):
    with pytest.raises(ValidationError):
        start(anna, [ben], "  ")
    assert Conversation.objects.count() == 0


# Events ----------------------------------------------------------------------------------------


@pytest.fixture
def published(monkeypatch) -> list[tuple[str, dict[str, Any]]]:
    sent: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(realtime, "publish", lambda group, event: sent.append((group, event)))
    return sent


def test_send_publishes_message_and_unread_events_on_commit(
    anna, ben, carla, published, django_capture_on_commit_callbacks
):
    group = start(anna, [ben, carla])
    published.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = send(ben, group, "hi")
    assert published == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert (
        f"conversation.{group.pk}",
        {"type": "message.created", "conversation_id": group.pk, "message_id": message.pk},
    ) in published
    assert (f"user.{anna.pk}", {"type": "messages.changed", "unread": 1}) in published
    assert (f"user.{carla.pk}", {"type": "messages.changed", "unread": 2}) in published
    # Ben had the first message unread; writing read it, so his other tabs hear of the new total.
    assert (f"user.{ben.pk}", {"type": "messages.changed", "unread": 0}) in published
    # Events carry ids and numbers only, never the text.
    assert all("hi" not in str(event.values()) for _, event in published)


def test_a_rolled_back_send_publishes_nothing(anna, ben, published, django_capture_on_commit_callbacks):
    conversation = start(anna, [ben])
    published.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        send(anna, conversation, "")
    assert published == []


def test_mark_read_tells_the_readers_other_tabs(anna, ben, published, django_capture_on_commit_callbacks):
    conversation = start(anna, [ben])
    published.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.conversation_mark_read(actor=ben, participant=_row(conversation, ben))
    assert published == [(f"user.{ben.pk}", {"type": "messages.changed", "unread": 0})]


def test_leaving_revokes_the_topic_on_commit(anna, ben, carla, monkeypatch, django_capture_on_commit_callbacks):
    revoked: list[tuple[int, str]] = []
    monkeypatch.setattr(realtime, "revoke", lambda user_id, topic: revoked.append((user_id, topic)))
    group = start(anna, [ben, carla])
    with django_capture_on_commit_callbacks(execute=True):
        services.conversation_leave(actor=carla, conversation=group, participant=_row(group, carla))
    assert revoked == [(carla.pk, f"conversation.{group.pk}")]


def test_many_participants_cost_the_same_queries_to_send(anna, django_assert_num_queries):
    small = start(anna, [make_user()])
    large = start(anna, [make_user() for _ in range(9)])
    small_group = start(anna, [make_user(), make_user()])
    # Lock, insert, participant update, conversation update, unread sums (+ savepoint and release).
    with django_assert_num_queries(7):
        send(anna, small_group)
    with django_assert_num_queries(7):
        send(anna, large)
    # One-to-one: one more, the block check.
    with django_assert_num_queries(8):
        send(anna, small)
