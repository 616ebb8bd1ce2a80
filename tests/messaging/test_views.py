"""The messaging pages and endpoints: what they show, what they do, and their pinned query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from intranet.messaging import services
from intranet.messaging.models import Block, Conversation, Message, Participant
from tests.messaging.conftest import make_user, send, start
from tests.support.forms import with_key
from tests.support.queries import assert_constant_queries, pin_queries

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def anna_client(client, anna):
    client.force_login(anna)
    return client


# Inbox ------------------------------------------------------------------------------------------


def test_inbox_lists_conversations_newest_first_with_unread_marks(anna_client, anna, ben, carla):
    older = start(ben, [anna], "from Ben")
    start(carla, [anna, ben], "group hello", title="Lunch")
    start(anna, [make_user(display_name="Dora Dahl")], "mine")
    html = anna_client.get(reverse("messaging:conversation_list")).content.decode()
    assert html.index("Dora Dahl") < html.index("Lunch") < html.index("Ben Schmidt")
    assert f'id="conversation-{older.pk}"' in html and "conversation-unread" in html
    assert "You: mine" in html and "Carla: group hello" in html
    assert html.count("conversation-unread") == 2


def test_inbox_empty_state(anna_client):
    html = anna_client.get(reverse("messaging:conversation_list")).content.decode()
    assert 'id="conversations-empty"' in html and "No conversations yet." in html


def test_inbox_requires_login(client):
    assert client.get(reverse("messaging:conversation_list")).status_code == 302


def test_inbox_pages_by_keyset(anna_client, anna, monkeypatch):
    from intranet.messaging import selectors

    monkeypatch.setattr(selectors, "INBOX_PAGE_SIZE", 2)
    monkeypatch.setattr(selectors.conversation_list_for_inbox, "__kwdefaults__", {"cursor": None, "page_size": 2})
    people = [make_user(display_name=f"Friend {n}") for n in range(3)]
    for person in people:
        start(person, [anna], "hi")
    html = anna_client.get(reverse("messaging:conversation_list")).content.decode()
    assert "Friend 2" in html and "Friend 1" in html and "Friend 0" not in html
    assert 'id="conversations-more"' in html
    next_url = html.split('id="conversations-more"><a href="')[1].split('"')[0].replace("&amp;", "&")
    more = anna_client.get(next_url, **HTMX).content.decode()
    assert "Friend 0" in more and "Friend 1" not in more and "<html" not in more
    # A foreign cursor is a 400 (the kernel's MalformedInputMiddleware).
    assert anna_client.get(reverse("messaging:conversation_list") + "?cursor=nonsense").status_code == 400


def test_inbox_query_count_is_pinned(anna_client, anna):
    def add_rows(n):
        for _ in range(n):
            start(make_user(), [anna, make_user()], "group")
            start(make_user(), [anna], "direct")

    def action():
        response = anna_client.get(reverse("messaging:conversation_list"))
        assert response.status_code == 200

    # The signed-in user, the page of participant rows with conversations, the people in them.
    assert_constant_queries(add_rows=add_rows, action=action, small=1, large=6, expected=3)


def test_search_shows_matching_messages_of_my_conversations(anna_client, anna, ben, outsider):
    conversation = start(ben, [anna], "Die Projektbesprechung ist verschoben")
    start(ben, [outsider], "Projektbesprechung secret")
    html = anna_client.get(reverse("messaging:conversation_list"), {"q": "besprechung"}).content.decode()
    assert "Die Projektbesprechung ist verschoben" in html and "secret" not in html
    message = Message.objects.get(conversation=conversation)
    assert f"{conversation.get_absolute_url()}#message-{message.pk}" in html
    empty = anna_client.get(reverse("messaging:conversation_list"), {"q": "nothing-like-this"}).content.decode()
    assert 'id="search-empty"' in empty


def test_search_query_count_is_pinned(anna_client, anna):
    def add_rows(n):
        for _ in range(n):
            start(make_user(), [anna, make_user()], "quarterly report")

    def action():
        response = anna_client.get(reverse("messaging:conversation_list"), {"q": "report"})
        assert response.status_code == 200

    # The signed-in user, the messages with their conversations, the people in them.
    assert_constant_queries(add_rows=add_rows, action=action, small=1, large=6, expected=3)


# Conversation page ------------------------------------------------------------------------------


def test_conversation_page_shows_messages_participants_and_marks_read(anna_client, anna, ben):
    conversation = start(ben, [anna], "**Hallo** Anna")
    send(ben, conversation, "Zweite Nachricht")
    assert Participant.objects.get(user=anna).unread_count == 2
    html = anna_client.get(conversation.get_absolute_url()).content.decode()
    assert "<strong>Hallo</strong> Anna" in html
    assert html.index("<strong>Hallo") < html.index("Zweite Nachricht")
    assert f'data-live-topic="conversation.{conversation.pk}"' in html
    assert f'data-presence-user="{ben.pk}"' in html and f'data-presence-user="{anna.pk}"' in html
    assert 'id="compose-form"' in html and "Block Ben" in html
    assert "Leave conversation" not in html  # one-to-one
    assert Participant.objects.get(user=anna).unread_count == 0


def test_group_page_offers_leave_and_no_block(anna_client, anna, ben, carla):
    group = start(ben, [anna, carla], "hi all")
    html = anna_client.get(group.get_absolute_url()).content.decode()
    assert 'id="leave-button"' in html and 'id="block-button"' not in html
    response = anna_client.post(reverse("messaging:conversation_leave", kwargs={"pk": group.pk}))
    assert response.status_code == 302
    assert anna_client.get(group.get_absolute_url()).status_code == 404


def test_conversation_page_loads_older_messages(anna_client, anna, ben, monkeypatch):
    from intranet.messaging import selectors

    monkeypatch.setattr(selectors, "MESSAGE_PAGE_SIZE", 3)
    monkeypatch.setattr(selectors.message_page_for_conversation, "__kwdefaults__", {"cursor": None, "page_size": 3})
    conversation = start(ben, [anna], "message 0")
    for n in range(1, 5):
        send(ben, conversation, f"message {n}")
    html = anna_client.get(conversation.get_absolute_url()).content.decode()
    assert "message 4" in html and "message 2" in html and "message 1" not in html
    older_url = html.split('id="messages-older"><a href="')[1].split('"')[0].replace("&amp;", "&")
    older = anna_client.get(older_url, **HTMX).content.decode()
    assert "message 1" in older and "message 0" in older and "message 2" not in older
    assert older.index("message 0") < older.index("message 1")


def test_conversation_page_query_count_is_pinned(anna_client, anna, ben):
    conversation = start(ben, [anna, make_user()], "hello")

    def add_rows(n):
        for _ in range(n):
            send(anna, conversation, "more")
            start(ben, [anna, make_user()], "x")  # other conversations

    def action():
        response = anna_client.get(conversation.get_absolute_url())
        assert response.status_code == 200

    # Already read: the signed-in user, the viewer's row, the participants with block flags, the
    # messages.
    assert_constant_queries(add_rows=add_rows, action=action, small=1, large=6, expected=4)
    # With unread messages, the read mark: savepoint, update, unread sum for the event, release.
    send(ben, conversation, "unread")
    with pin_queries(8):
        action()


def test_blocked_conversation_has_no_compose_form(anna_client, anna, ben):
    conversation = start(ben, [anna], "hi")
    services.block_create(actor=anna, blocked=ben)
    html = anna_client.get(conversation.get_absolute_url()).content.decode()
    assert 'id="compose-form"' not in html and "You have blocked Ben Schmidt" in html and "Unblock Ben" in html
    anna_client.force_login(ben)
    html = anna_client.get(conversation.get_absolute_url()).content.decode()
    assert 'id="compose-form"' not in html and "You cannot reply in this conversation." in html


# Sending ----------------------------------------------------------------------------------------


def test_send_with_htmx_returns_the_message(anna_client, anna, ben):
    conversation = start(anna, [ben])
    url = reverse("messaging:message_create", kwargs={"pk": conversation.pk})
    response = anna_client.post(url, with_key(body="_quick_ note"), **HTMX)
    assert response.status_code == 200
    message = Message.objects.latest("id")
    assert f'id="message-{message.pk}"' in response.content.decode()
    assert "<em>quick</em> note" in response.content.decode()


def test_send_without_htmx_redirects_to_the_message(anna_client, anna, ben):
    conversation = start(anna, [ben])
    response = anna_client.post(
        reverse("messaging:message_create", kwargs={"pk": conversation.pk}), with_key(body="hi")
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#message-{Message.objects.latest('id').pk}")


def test_send_refused_by_a_block_explains_and_saves_nothing(client, anna, ben):
    conversation = start(ben, [anna])
    services.block_create(actor=anna, blocked=ben)
    client.force_login(ben)
    url = reverse("messaging:message_create", kwargs={"pk": conversation.pk})
    response = client.post(url, with_key(body="hello?"), **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#compose-errors"
    assert response["HX-Reswap"] == "innerHTML"
    assert "You cannot send messages to this person." in response.content.decode()
    assert Message.objects.count() == 1
    response = client.post(url, with_key(body="hello?"), follow=True)
    assert "You cannot send messages to this person." in response.content.decode()
    assert Message.objects.count() == 1


def test_send_query_count_is_pinned(anna_client, anna, ben):
    group = start(anna, [ben, make_user()])
    url = reverse("messaging:message_create", kwargs={"pk": group.pk})

    def add_rows(n):
        for _ in range(n):
            send(ben, group, "more")

    def action():
        assert anna_client.post(url, with_key(body="hi"), **HTMX).status_code == 200

    # The signed-in user, the viewer's row; the send (savepoint, lock, insert, two updates, unread
    # sums, the idempotency claim, release); the message with its author's profile.
    assert_constant_queries(add_rows=add_rows, action=action, small=1, large=6, expected=11)


def test_message_fragment_renders_one_message_and_marks_read(anna_client, anna, ben):
    conversation = start(anna, [ben])
    message = send(ben, conversation, "live one")
    url = reverse("messaging:message_fragment", kwargs={"pk": conversation.pk, "message_id": message.pk})
    with pin_queries(7):  # user, row, message; the read mark (savepoint, update, unread sum, release)
        response = anna_client.get(url)
    assert "live one" in response.content.decode() and "<html" not in response.content.decode()
    assert Participant.objects.get(conversation=conversation, user=anna).unread_count == 0
    with pin_queries(3):
        anna_client.get(url)
    missing = reverse("messaging:message_fragment", kwargs={"pk": conversation.pk, "message_id": message.pk + 99})
    assert anna_client.get(missing).status_code == 404


# Starting ---------------------------------------------------------------------------------------


def test_start_page_preselects_people_from_to(anna_client, ben, carla):
    url = reverse("messaging:conversation_start")
    with pin_queries(2):  # user, the people picked
        html = anna_client.get(url, {"to": ["ben", "carla"]}).content.decode()
    assert 'name="to" value="ben"' in html and 'name="to" value="carla"' in html
    assert 'data-people-url="/messages/people/"' in html
    with pin_queries(1):
        assert anna_client.get(url).status_code == 200


def test_start_creates_a_conversation_and_redirects(anna_client, anna, ben):
    response = anna_client.post(reverse("messaging:conversation_start"), with_key(to=["ben"], body="Hallo Ben"))
    conversation = Conversation.objects.get()
    assert response.status_code == 302 and response["Location"] == conversation.get_absolute_url()
    assert Message.objects.get().body_source == "Hallo Ben"


def test_start_creates_a_group_with_title(anna_client, anna, ben, carla):
    anna_client.post(
        reverse("messaging:conversation_start"), with_key(to=["ben", "carla"], body="Hi", title="Project X")
    )
    conversation = Conversation.objects.get()
    assert conversation.is_group and conversation.title == "Project X" and conversation.participant_count == 3


def test_start_shows_errors_and_keeps_the_text(anna_client, anna, ben):
    services.block_create(actor=ben, blocked=anna)
    response = anna_client.post(reverse("messaging:conversation_start"), with_key(to=["ben"], body="kept text"))
    html = response.content.decode()
    assert response.status_code == 200 and "You cannot send messages to Ben Schmidt." in html
    assert "kept text" in html and Conversation.objects.count() == 0
    html = anna_client.post(reverse("messaging:conversation_start"), with_key(body="x")).content.decode()
    assert "Choose at least one person to write to." in html


def test_message_button_leads_to_the_existing_conversation_or_the_start_page(anna_client, anna, ben, carla):
    conversation = start(ben, [anna])
    response = anna_client.get(reverse("messaging:conversation_with", kwargs={"handle": "ben"}))
    assert response["Location"] == conversation.get_absolute_url()
    response = anna_client.get(reverse("messaging:conversation_with", kwargs={"handle": "carla"}))
    assert response["Location"] == "/messages/new/?to=carla"
    assert anna_client.get(reverse("messaging:conversation_with", kwargs={"handle": "nobody"})).status_code == 404


def test_profile_page_has_a_message_button(anna_client, anna, ben):
    html = anna_client.get(ben.get_absolute_url()).content.decode()
    assert 'id="message-button"' in html and "/messages/with/ben/" in html
    own = anna_client.get(anna.get_absolute_url()).content.decode()
    assert 'id="message-button"' not in own


def test_people_options_list_matching_colleagues_but_not_me(anna_client, anna, ben):
    make_user(display_name="Anna Becker", handle="anna.becker")
    html = anna_client.get(reverse("messaging:people_options"), {"q": "anna"}).content.decode()
    assert 'data-handle="anna.becker"' in html and 'data-handle="anna.mueller"' not in html
    empty = anna_client.get(reverse("messaging:people_options"), {"q": "zzzzzz"}).content.decode()
    assert "Nobody found" in empty


def test_people_options_query_count_is_pinned(anna_client):
    def add_rows(n):
        for i in range(n):
            make_user(display_name=f"Frida Finder {i}")

    def action():
        assert anna_client.get(reverse("messaging:people_options"), {"q": "frida"}).status_code == 200

    # The signed-in user, the search settings, the people (with their profiles).
    assert_constant_queries(add_rows=add_rows, action=action, small=1, large=6, expected=3)


# Blocking and the badge -------------------------------------------------------------------------


def test_block_and_unblock_from_the_conversation(anna_client, anna, ben):
    conversation = start(ben, [anna])
    url = reverse("messaging:block_toggle", kwargs={"handle": "ben"})
    response = anna_client.post(url, {"action": "block", "next": conversation.get_absolute_url()})
    assert response["Location"] == conversation.get_absolute_url()
    assert Block.objects.filter(blocker=anna, blocked=ben).exists()
    response = anna_client.post(url, {"action": "unblock", "next": "https://evil.example/"})
    assert response["Location"] == reverse("messaging:conversation_list")
    assert not Block.objects.exists()


def test_badge_shows_the_unread_total(anna_client, anna, ben, carla):
    url = reverse("messaging:badge")
    with pin_queries(2):  # user, the sum
        assert "badge" not in anna_client.get(url).content.decode()
    start(ben, [anna], "one")
    group = start(carla, [anna, ben], "two")
    send(carla, group, "three")
    with pin_queries(2):
        html = anna_client.get(url).content.decode()
    assert 'data-unread="3"' in html and ">3<" in html and "unread messages" in html


def test_header_includes_the_badge_without_a_query(anna_client, anna):
    html = anna_client.get(reverse("messaging:conversation_list")).content.decode()
    assert 'hx-get="/messages/badge/"' in html
    assert 'hx-trigger="load, live:messages-changed from:body"' in html


# Query counts of the remaining endpoints --------------------------------------------------------


def test_start_page_query_count_does_not_grow_with_people_picked(anna_client):
    handles: list[str] = []

    def add_rows(n):
        for _ in range(n):
            handles.append(make_user().handle)

    def action():
        assert anna_client.get(reverse("messaging:conversation_start"), {"to": handles}).status_code == 200

    # The signed-in user, the people picked (with profiles).
    assert_constant_queries(add_rows=add_rows, action=action, small=1, large=6, expected=2)


def test_start_post_query_count_does_not_grow_with_group_size(anna_client):
    handles: list[str] = []

    def add_rows(n):
        for _ in range(n):
            handles.append(make_user().handle)

    def action():
        response = anna_client.post(reverse("messaging:conversation_start"), with_key(to=handles, body="hi"))
        assert response.status_code == 302

    # User, people; the start (savepoint, blocks, conversation, participants in one insert, the send:
    # lock, insert, two updates, unread sums; refresh, the idempotency claim, release).
    assert_constant_queries(add_rows=add_rows, action=action, small=2, large=6, expected=14)


def test_message_button_query_count(anna_client, ben):
    start(ben, [anna_client_user(anna_client)])
    with pin_queries(3):  # user, the person, the one-to-one conversation
        anna_client.get(reverse("messaging:conversation_with", kwargs={"handle": "ben"}))


def test_block_and_leave_query_counts(anna_client, anna, ben, carla):
    url = reverse("messaging:block_toggle", kwargs={"handle": "ben"})
    with pin_queries(5):  # user, person, savepoint, insert-or-get, release
        anna_client.post(url, {"action": "block"})
    with pin_queries(5):  # user, person, savepoint, delete, release
        anna_client.post(url, {"action": "unblock"})
    group = start(ben, [anna, carla])
    with pin_queries(7):  # user, row; savepoint, leave, participant count, unread sum, release
        anna_client.post(reverse("messaging:conversation_leave", kwargs={"pk": group.pk}))


def anna_client_user(client):
    from django.contrib.auth import get_user

    return get_user(client)
