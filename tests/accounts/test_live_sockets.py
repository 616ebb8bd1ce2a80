"""Open websockets follow the session (issue 17, item 4): sign-out, a new password and deactivation
close every socket of the person, and a socket whose session no longer signs its person in may not
subscribe to anything. Real sockets through the whole ``intranet.asgi`` stack."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.test import Client
from django.urls import reverse

from intranet.accounts.models import User
from intranet.accounts.services import user_deactivate
from tests.core.ws import closed_with, open_socket, receive_until_marker, session_store, subscribe
from tests.factories import UserFactory

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

UNAUTHENTICATED = 4401


@pytest.fixture(autouse=True)
def _in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def _signed_in(user: User) -> tuple[Client, str]:
    client = Client()
    client.force_login(user)
    return client, client.cookies[settings.SESSION_COOKIE_NAME].value


async def _person() -> tuple[User, Client, str]:
    person = await sync_to_async(UserFactory.create)()
    client, key = await sync_to_async(_signed_in)(person)
    return person, client, key


async def test_sign_out_closes_every_socket_of_the_person_and_the_old_session_gets_none():
    person, client, key = await _person()
    tab, connected, _ = await open_socket(session=key)
    assert connected
    phone, _, _ = await open_socket(person)  # another session of the same person
    bystander, _, _ = await open_socket(await sync_to_async(UserFactory.create)())
    assert (await subscribe(tab, "feed"))["type"] == "subscribed"

    response = await sync_to_async(client.post)(reverse("account_logout"))
    assert response.status_code == 302

    assert await closed_with(tab) == UNAUTHENTICATED
    assert await closed_with(phone) == UNAUTHENTICATED  # it reconnects with its own valid session
    assert await receive_until_marker(bystander) == []
    # The browser's reconnect with the signed-out cookie is refused at the handshake.
    _again, connected, code = await open_socket(session=key)
    assert (connected, code) == (False, UNAUTHENTICATED)
    await bystander.disconnect()


async def test_a_new_password_closes_the_sockets():
    person, _client, key = await _person()
    tab, _, _ = await open_socket(session=key)

    def change_password() -> None:
        fresh = User.objects.get(pk=person.pk)
        fresh.set_password("a-brand-new-passphrase-2026")
        fresh.save()

    await sync_to_async(change_password)()

    assert await closed_with(tab) == UNAUTHENTICATED
    # The session's password hash is stale now: no new socket for it.
    _again, connected, code = await open_socket(session=key)
    assert (connected, code) == (False, UNAUTHENTICATED)


async def test_saving_a_person_without_a_new_password_keeps_the_sockets():
    person, _client, key = await _person()
    tab, _, _ = await open_socket(session=key)

    def rename() -> None:
        fresh = User.objects.get(pk=person.pk)
        fresh.display_name = "Someone Else"
        fresh.save()

    await sync_to_async(rename)()

    assert await receive_until_marker(tab) == []
    assert (await subscribe(tab, "feed"))["type"] == "subscribed"
    await tab.disconnect()


async def test_deactivation_closes_the_sockets():
    person, _client, key = await _person()
    staff = await sync_to_async(UserFactory.create)(is_staff=True)
    tab, _, _ = await open_socket(session=key)
    assert (await subscribe(tab, "feed"))["type"] == "subscribed"

    await sync_to_async(user_deactivate)(actor=staff, user=person, reason="left the company")

    assert await closed_with(tab) == UNAUTHENTICATED


@pytest.mark.parametrize("loss", ["session_gone", "deactivated_behind_the_back", "password_hash_changed"])
async def test_subscribe_rechecks_the_session_and_refuses_and_closes(loss):
    """However the session stopped signing the person in, even without any close message (an
    expired session, a direct database change), the next subscribe is refused and the socket closes."""
    person, _client, key = await _person()
    tab, _, _ = await open_socket(session=key)
    assert (await subscribe(tab, "feed"))["type"] == "subscribed"

    def lose() -> None:
        if loss == "session_gone":
            session_store(key).delete()
        elif loss == "deactivated_behind_the_back":
            User.objects.filter(pk=person.pk).update(is_active=False)
        else:
            User.objects.filter(pk=person.pk).update(password="pbkdf2_sha256$1$x$y")

    await sync_to_async(lose)()

    assert await subscribe(tab, "feed") == {"type": "subscribe.refused", "topic": "feed"}
    assert await closed_with(tab) == UNAUTHENTICATED
