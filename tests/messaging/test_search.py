"""Search within my conversations: trigram-backed substring search, German and English, mine only."""

from __future__ import annotations

import pytest

from intranet.core.viewer import Viewer
from intranet.messaging import services
from intranet.messaging.models import Participant
from intranet.messaging.selectors import message_search_for_viewer
from tests.messaging.conftest import send, start

pytestmark = pytest.mark.django_db


def _found(user, query: str) -> list[str]:
    return [m.body_source for m in message_search_for_viewer(viewer=Viewer(user), query=query)]


def test_search_finds_parts_of_german_compounds_and_english_stems(anna, ben):
    conversation = start(anna, [ben], "Die Projektbesprechung ist morgen")
    send(ben, conversation, "Let's move the meetings to Friday")
    assert _found(anna, "besprechung") == ["Die Projektbesprechung ist morgen"]
    assert _found(anna, "MEETING") == ["Let's move the meetings to Friday"]
    assert _found(ben, "Größe") == []


def test_every_word_must_match_and_umlauts_work(anna, ben):
    conversation = start(anna, [ben], "Grüße aus München")
    send(anna, conversation, "Grüße aus Köln")
    assert _found(anna, "grüße münchen") == ["Grüße aus München"]
    assert _found(anna, "GRÜSSE") == []  # no transliteration: "ß" is not "ss"
    assert sorted(_found(anna, "grüße")) == ["Grüße aus Köln", "Grüße aus München"]


def test_search_covers_only_my_current_conversations(anna, ben, carla, outsider):
    start(anna, [ben], "budget numbers for anna and ben")
    group = start(ben, [carla, outsider], "budget numbers for the group")
    assert _found(anna, "budget") == ["budget numbers for anna and ben"]
    assert sorted(_found(ben, "budget")) == ["budget numbers for anna and ben", "budget numbers for the group"]
    services.conversation_leave(actor=carla, conversation=group, participant=Participant.objects.get(user=carla))
    assert _found(carla, "budget") == []


def test_search_pages_newest_first(anna, ben):
    conversation = start(anna, [ben], "report 0")
    for n in range(1, 5):
        send(anna, conversation, f"report {n}")
    first = message_search_for_viewer(viewer=Viewer(ben), query="report", page_size=3)
    assert [m.body_source for m in first] == ["report 4", "report 3", "report 2"]
    rest = message_search_for_viewer(viewer=Viewer(ben), query="report", cursor=first.next_cursor, page_size=3)
    assert [m.body_source for m in rest] == ["report 1", "report 0"] and rest.next_cursor is None


def test_markup_is_not_searched(anna, ben):
    start(anna, [ben], "see [the plan](https://example.com/strategy)")
    assert _found(anna, "plan") and not _found(anna, "strategy")


def test_empty_query_finds_nothing(anna, ben):
    start(anna, [ben], "anything")
    assert _found(anna, "   ") == []
