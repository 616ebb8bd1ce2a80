"""The kernel's realtime layer: publishing after commit, the topic registry and the ``/ws/`` consumer.

The consumer is exercised with throw-away topic kinds registered by the tests (``testroom``,
``testchat``), so these tests need no domain app; communities' topics are tested in
``tests/communities/realtime``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from intranet.core import realtime
from intranet.core.consumers import LiveConsumer
from intranet.core.realtime import (
    publish,
    publish_many,
    publish_on_commit,
    revoke,
    revoke_on_commit,
    topic_kind,
    user_group,
)
from tests.core.ws import (
    LiveSocket,
    closed_with,
    connect,
    receive_count,
    receive_until_marker,
    session_key,
    session_store,
    subscribe,
)
from tests.factories import UserFactory

IN_MEMORY = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 1000}}}

#: Test topic kinds: ``testroom.<id>`` is open to the users in ``ROOMS[id]``.
ROOMS: dict[int, set[int]] = {}


def _may_enter(user, pk: int) -> bool:
    return user.pk in ROOMS.get(pk, set())


@pytest.fixture(autouse=True)
def _test_topics(settings) -> Iterator[None]:
    settings.CHANNEL_LAYERS = IN_MEMORY
    realtime.register_topic("testroom", _may_enter, parents=lambda pk: [f"testhouse.{pk // 100}"])
    realtime.register_topic("testhouse", lambda user, pk: True)
    realtime.register_topic("testchat", _may_enter, presence=True, relay=("typing",))
    realtime.register_aggregate_topic(
        "testlobby", lambda user: [f"testroom.{pk}" for pk, people in sorted(ROOMS.items()) if user.pk in people]
    )
    yield
    ROOMS.clear()
    for name in ("testroom", "testhouse", "testchat", "testlobby"):
        realtime.unregister(name)


async def _socket(user) -> LiveSocket:
    """A socket of ``user`` with a real signed-in session (the consumer re-checks it on subscribe)."""
    socket = LiveSocket(LiveConsumer.as_asgi(), "/ws/")
    socket.scope["user"] = user
    socket.scope["session"] = session_store(await sync_to_async(session_key)(user))
    connected, _ = await connect(socket)
    assert connected
    return socket


async def _send(group: str, event: dict) -> None:
    await get_channel_layer().group_send(group, {"type": "realtime.event", "group": group, "event": event})


async def _user(**fields):
    return await sync_to_async(UserFactory.create)(**fields)


# Publishing -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_publish_on_commit_sends_only_after_commit(user, django_capture_on_commit_callbacks):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(user_group(user.pk), channel)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publish_on_commit(user_group(user.pk), {"type": "badge.changed", "count": 3})
    assert len(callbacks) == 1  # queued, not sent
    callbacks[0]()
    message = async_to_sync(layer.receive)(channel)
    assert message == {
        "type": "realtime.event",
        "group": user_group(user.pk),
        "event": {"type": "badge.changed", "count": 3},
    }


def test_publish_on_commit_requires_an_event_type():
    with pytest.raises(ValueError, match="type"):
        publish_on_commit("user.1", {"count": 1})


@pytest.mark.django_db
def test_revoke_on_commit_waits_for_the_commit(user, django_capture_on_commit_callbacks):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(user_group(user.pk), channel)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        revoke_on_commit(user.pk, "testroom.5")
    assert len(callbacks) == 1
    callbacks[0]()
    assert async_to_sync(layer.receive)(channel) == {"type": "realtime.revoke", "topic": "testroom.5"}


@pytest.mark.parametrize(
    "topic", ["testroom", "testroom.", "testroom.0", "testroom.-1", "testroom.1.2", "Testroom.1", "unknown.1", "", 5]
)
def test_malformed_and_unknown_topics_are_not_topics(topic):
    assert topic_kind(topic) is None  # type: ignore[arg-type]


def test_topic_kind_parses_registered_topics():
    found = topic_kind("testchat.42")
    assert found is not None
    kind, pk = found
    assert (kind.kind, pk, kind.presence, kind.relay) == ("testchat", 42, True, frozenset({"typing"}))


def test_registry_refuses_bad_names_and_clashes():
    with pytest.raises(ValueError):
        realtime.register_topic("Bad.Kind", _may_enter)
    with pytest.raises(ValueError):
        realtime.register_topic("testlobby", _may_enter)  # already an aggregate
    with pytest.raises(ValueError):
        realtime.register_aggregate_topic("testroom", lambda user: [])  # already a kind


# The consumer -----------------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_socket_refuses_anonymous_and_inactive_users():
    anonymous = WebsocketCommunicator(LiveConsumer.as_asgi(), "/ws/")
    anonymous.scope["user"] = AnonymousUser()
    assert await anonymous.connect() == (False, 4401)

    inactive = WebsocketCommunicator(LiveConsumer.as_asgi(), "/ws/")
    inactive.scope["user"] = await _user(is_active=False)
    assert await inactive.connect() == (False, 4401)


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_socket_answers_ping_and_forwards_its_user_events_only():
    me, other = await _user(), await _user()
    socket = await _socket(me)
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from() == {"type": "pong"}

    await _send(user_group(other.pk), {"type": "x.other"})
    await _send(user_group(me.pk), {"type": "x.happened"})

    assert await receive_until_marker(socket) == [{"type": "x.happened"}]
    await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_subscribe_checks_access_and_refuses_missing_and_forbidden_alike():
    me = await _user()
    ROOMS[1] = {me.pk}
    ROOMS[2] = set()
    socket = await _socket(me)

    assert await subscribe(socket, "testroom.1") == {"type": "subscribed", "topic": "testroom.1"}
    for refused in ("testroom.2", "testroom.999", "nosuchkind.1", "testroom", "user.1"):
        assert await subscribe(socket, refused) == {"type": "subscribe.refused", "topic": refused}

    await _send("testroom.2", {"type": "x.forbidden"})
    await _send("testroom.1", {"type": "x.allowed"})
    assert await receive_until_marker(socket) == [{"type": "x.allowed"}]
    await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_garbage_from_the_client_is_ignored():
    socket = await _socket(await _user())
    for garbage in ("not json", "[1, 2]", '{"type": "subscribe", "topic": 12}', "x" * 5000, '{"type": "typing"}'):
        await socket.send_to(text_data=garbage)
    await socket.send_json_to({"type": "ping"})
    # The ping came after the garbage: an answer to any of it would have come before the pong.
    assert await receive_count(socket, 1) == [{"type": "pong"}]
    assert await receive_until_marker(socket) == []
    await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_unsubscribe_stops_the_events(settings):
    me = await _user()
    ROOMS[1] = {me.pk}
    socket = await _socket(me)
    await subscribe(socket, "testroom.1")

    await socket.send_json_to({"type": "unsubscribe", "topic": "testroom.1"})
    assert await socket.receive_json_from() == {"type": "unsubscribed", "topic": "testroom.1"}
    await _send("testroom.1", {"type": "x.after"})

    assert await receive_until_marker(socket) == []
    await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_topics_per_socket_are_capped(settings):
    settings.REALTIME_MAX_TOPICS = 3
    me = await _user()
    for pk in range(1, 6):
        ROOMS[pk] = {me.pk}
    socket = await _socket(me)

    answers = [await subscribe(socket, f"testroom.{pk}") for pk in range(1, 5)]
    assert [a["type"] for a in answers] == ["subscribed"] * 3 + ["subscribe.refused"]
    assert answers[-1]["reason"] == "limit"
    # Subscribing again to a topic the socket holds is not a new one.
    assert (await subscribe(socket, "testroom.2"))["type"] == "subscribed"
    # The aggregate fills up to the cap and says which topics it joined.
    lobby = await subscribe(socket, "testlobby")
    assert lobby == {"type": "subscribed", "topic": "testlobby", "topics": ["testroom.1", "testroom.2", "testroom.3"]}
    await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_revocation_drops_even_events_already_queued_for_the_socket():
    me = await _user()
    ROOMS[1] = {me.pk}
    socket = await _socket(me)
    await subscribe(socket, "testroom.1")
    await _send("testroom.1", {"type": "x.before"})
    assert await socket.receive_json_from() == {"type": "x.before"}

    # The revocation and an event right behind it are queued before the consumer runs again: the
    # event was delivered to the socket's channel (it was still in the group), yet never forwarded.
    layer = get_channel_layer()
    await layer.group_send(user_group(me.pk), {"type": "realtime.revoke", "topic": "testroom.1"})
    await _send("testroom.1", {"type": "x.queued-after-revocation"})

    assert await receive_until_marker(socket) == [{"type": "topic.revoked", "topic": "testroom.1"}]
    await _send("testroom.1", {"type": "x.later"})
    assert await receive_until_marker(socket) == []
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from() == {"type": "pong"}
    await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_revoking_a_parent_topic_revokes_its_children_on_every_socket_of_the_user():
    me = await _user()
    ROOMS[101] = {me.pk}  # testroom.101 lives in testhouse.1
    ROOMS[201] = {me.pk}  # testroom.201 lives in testhouse.2
    tabs = [await _socket(me), await _socket(me)]
    for tab in tabs:
        await subscribe(tab, "testroom.101")
        await subscribe(tab, "testroom.201")

    await sync_to_async(revoke)(me.pk, "testhouse.1")

    for tab in tabs:
        assert await receive_until_marker(tab) == [
            {"type": "topic.revoked", "topic": "testhouse.1"},
            {"type": "topic.revoked", "topic": "testroom.101"},
        ]
    await _send("testroom.101", {"type": "x.gone"})
    await _send("testroom.201", {"type": "x.kept"})
    for tab in tabs:
        assert await receive_until_marker(tab) == [{"type": "x.kept"}]
        await tab.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_aggregate_topic_subscribes_its_expansion_and_unsubscribes_it_again():
    me = await _user()
    ROOMS[1] = {me.pk}
    ROOMS[2] = {me.pk}
    ROOMS[3] = set()
    socket = await _socket(me)

    assert await subscribe(socket, "testlobby") == {
        "type": "subscribed",
        "topic": "testlobby",
        "topics": ["testroom.1", "testroom.2"],
    }
    await subscribe(socket, "testroom.2")  # also wanted on its own
    for pk in (1, 2, 3):
        await _send(f"testroom.{pk}", {"type": "x.room", "room": pk})
    assert await receive_until_marker(socket) == [{"type": "x.room", "room": 1}, {"type": "x.room", "room": 2}]

    await socket.send_json_to({"type": "unsubscribe", "topic": "testlobby"})
    assert await socket.receive_json_from() == {"type": "unsubscribed", "topic": "testlobby"}
    for pk in (1, 2):
        await _send(f"testroom.{pk}", {"type": "x.room", "room": pk})
    assert await receive_until_marker(socket) == [{"type": "x.room", "room": 2}]  # the direct subscription stays
    await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_publish_from_sync_code_reaches_subscribers():
    me = await _user()
    ROOMS[7] = {me.pk}
    socket = await _socket(me)
    await subscribe(socket, "testroom.7")

    await sync_to_async(publish)("testroom.7", {"type": "x.published", "id": 1})

    assert await socket.receive_json_from() == {"type": "x.published", "id": 1}
    await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_publish_many_sends_each_event_to_its_own_group_only():
    me, other, third = await _user(), await _user(), await _user()
    mine, theirs, bystander = await _socket(me), await _socket(other), await _socket(third)
    # More events than one batch keeps in flight, mine among the last.
    events = [
        (user_group(1_000_000 + n), {"type": "x.nobody", "n": n}) for n in range(realtime.PUBLISH_CONCURRENCY + 5)
    ]
    events += [
        (user_group(me.pk), {"type": "x.count", "unread": 3}),
        (user_group(other.pk), {"type": "x.count", "unread": 7}),
    ]

    await sync_to_async(publish_many)(iter(events))
    await sync_to_async(publish_many)([])  # nothing to send: no error, no event

    assert await receive_until_marker(mine) == [{"type": "x.count", "unread": 3}]
    assert await receive_until_marker(theirs) == [{"type": "x.count", "unread": 7}]
    assert await receive_until_marker(bystander) == []

    # Called from code whose event loop is running, it sends from a helper thread.
    publish_many([(user_group(third.pk), {"type": "x.count", "unread": 1})])
    assert await receive_until_marker(bystander) == [{"type": "x.count", "unread": 1}]
    for socket in (mine, theirs, bystander):
        await socket.disconnect()


# Presence and relayed messages -------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_presence_snapshot_and_announcements_follow_the_last_socket_of_a_user():
    ana, ben = await _user(), await _user()
    ROOMS[5] = {ana.pk, ben.pk}
    ana_tab = await _socket(ana)
    assert await subscribe(ana_tab, "testchat.5") == {"type": "subscribed", "topic": "testchat.5"}
    # The announcement was queued before the answer, the snapshot follows it in the same handler.
    received = await receive_until_marker(ana_tab)
    assert {"type": "presence.snapshot", "topic": "testchat.5", "user_ids": [ana.pk]} in received
    assert {"type": "presence", "topic": "testchat.5", "user_id": ana.pk, "online": True} in received

    ben_tabs = [await _socket(ben), await _socket(ben)]
    await subscribe(ben_tabs[0], "testchat.5")
    received = await receive_until_marker(ben_tabs[0])
    assert {"type": "presence.snapshot", "topic": "testchat.5", "user_ids": sorted([ana.pk, ben.pk])} in received
    assert await receive_until_marker(ana_tab) == [
        {"type": "presence", "topic": "testchat.5", "user_id": ben.pk, "online": True}
    ]

    # A second tab of Ben is no news; closing one of two tabs is none either.
    await subscribe(ben_tabs[1], "testchat.5")
    await receive_until_marker(ben_tabs[1])
    await ben_tabs[0].disconnect()  # returns once the consumer has finished
    assert await receive_until_marker(ana_tab) == []
    await ben_tabs[1].send_json_to({"type": "unsubscribe", "topic": "testchat.5"})
    assert await receive_count(ben_tabs[1], 1) == [{"type": "unsubscribed", "topic": "testchat.5"}]
    assert await receive_until_marker(ana_tab) == [
        {"type": "presence", "topic": "testchat.5", "user_id": ben.pk, "online": False}
    ]
    await ben_tabs[1].disconnect()
    await ana_tab.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_typing_is_relayed_to_the_others_only_for_subscribed_relay_topics():
    ana = await _user(display_name="Ana Lopez")
    ben = await _user()
    ROOMS[5] = {ana.pk, ben.pk}
    ROOMS[6] = {ana.pk, ben.pk}
    ana_tab, ben_tab = await _socket(ana), await _socket(ben)
    for tab in (ana_tab, ben_tab):
        await subscribe(tab, "testchat.5")
        await subscribe(tab, "testroom.6")  # a topic without relay
    for tab in (ana_tab, ben_tab):
        await receive_until_marker(tab)  # presence snapshots and announcements

    await ana_tab.send_json_to({"type": "typing", "topic": "testchat.5"})
    await ana_tab.send_json_to({"type": "typing", "topic": "testchat.5"})  # within the interval: dropped
    await ana_tab.send_json_to({"type": "typing", "topic": "testroom.6"})  # no relay there
    await ana_tab.send_json_to({"type": "typing", "topic": "testchat.9"})  # not subscribed
    await ana_tab.send_json_to({"type": "shout", "topic": "testchat.5"})  # not a relayed type
    await ana_tab.send_json_to({"type": "ping"})
    # The pong comes once Ana's consumer has handled every message before it.
    assert await receive_count(ana_tab, 1) == [{"type": "pong"}]

    typing = {"type": "typing", "topic": "testchat.5", "user_id": ana.pk, "name": "Ana Lopez"}
    assert await receive_until_marker(ben_tab) == [typing]
    assert await receive_until_marker(ana_tab) == []  # never echoed to the sender
    await ana_tab.disconnect()
    await ben_tab.disconnect()


# Access re-checks and closing ---------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_recheck_leaves_only_the_topics_whose_checks_now_refuse():
    me = await _user()
    ROOMS[1] = {me.pk}
    ROOMS[2] = {me.pk}
    socket = await _socket(me)
    await subscribe(socket, "testroom.1")
    await subscribe(socket, "testroom.2")

    ROOMS[1] = set()
    await sync_to_async(realtime.recheck)(user_ids=[me.pk])
    for pk in (1, 2):
        await _send(f"testroom.{pk}", {"type": "x.room", "room": pk})

    assert await receive_until_marker(socket) == [
        {"type": "topic.revoked", "topic": "testroom.1"},
        {"type": "x.room", "room": 2},
    ]
    await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_recheck_of_a_parent_reaches_every_socket_holding_one_of_its_children():
    leaving, staying = await _user(), await _user()
    ROOMS[101] = {leaving.pk, staying.pk}  # testroom.101 lives in testhouse.1
    tabs = {person: await _socket(person) for person in (leaving, staying)}
    for tab in tabs.values():
        assert await subscribe(tab, "testroom.101") == {"type": "subscribed", "topic": "testroom.101"}

    ROOMS[101] = {staying.pk}
    await sync_to_async(realtime.recheck)(topic="testhouse.1")  # nobody holds testhouse.1 itself
    await _send("testroom.101", {"type": "x.after"})

    assert await receive_until_marker(tabs[leaving]) == [{"type": "topic.revoked", "topic": "testroom.101"}]
    assert await receive_until_marker(tabs[staying]) == [{"type": "x.after"}]
    for tab in tabs.values():
        await tab.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_close_message_closes_every_socket_of_the_user_only():
    me, other = await _user(), await _user()
    ROOMS[1] = {me.pk, other.pk}
    tabs = [await _socket(me), await _socket(me)]
    theirs = await _socket(other)
    await subscribe(tabs[0], "testroom.1")
    await subscribe(theirs, "testroom.1")

    await sync_to_async(realtime.close_sockets)(me.pk)

    for tab in tabs:
        assert await closed_with(tab) == 4401
    await _send("testroom.1", {"type": "x.after"})
    assert await receive_until_marker(theirs) == [{"type": "x.after"}]
    await theirs.disconnect()
