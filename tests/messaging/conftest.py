"""Fixtures for direct-message tests: people and conversations built through the real services."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import cast

import pytest

from intranet.accounts.models import User
from intranet.messaging import services
from intranet.messaging.models import Conversation, Message
from tests.factories import UserFactory

# factory_boy's types say a factory returns itself; it returns the model.
make_user = cast("Callable[..., User]", UserFactory)


def start(actor: User, recipients: Sequence[User], body: str = "Hello", title: str = "") -> Conversation:
    conversation, _message = services.conversation_start(actor=actor, recipients=recipients, body=body, title=title)
    return conversation


def send(actor: User, conversation: Conversation, body: str = "Another message") -> Message:
    return services.message_send(actor=actor, conversation=conversation, body=body)


@pytest.fixture
def anna(db) -> User:
    return make_user(display_name="Anna Müller", handle="anna.mueller")


@pytest.fixture
def ben(db) -> User:
    return make_user(display_name="Ben Schmidt", handle="ben")


@pytest.fixture
def carla(db) -> User:
    return make_user(display_name="Carla Rossi", handle="carla")


@pytest.fixture
def outsider(db) -> User:
    return make_user(display_name="Olaf Outsider", handle="olaf")
