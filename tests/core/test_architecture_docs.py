"""docs/architecture.md lists every outbox event with its subscribers, exactly as registered."""

from __future__ import annotations

from pathlib import Path

from intranet.core import outbox

DOC = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"
START, END = "<!-- events:start -->", "<!-- events:end -->"


def test_the_event_table_matches_the_registered_subscribers() -> None:
    text = DOC.read_text()
    assert START in text and END in text, "docs/architecture.md lost its event table markers"
    documented = text.split(START, 1)[1].split(END, 1)[0].strip()
    assert documented == outbox.subscription_table(), (
        "docs/architecture.md is out of date: paste the output of "
        "`manage.py outbox_relay --map --markdown` between the event table markers"
    )


def test_every_declared_event_has_a_subscriber_or_is_left_for_integrations() -> None:
    # Events nobody handles yet are allowed (webhooks will read them), but they must be declared on
    # purpose: each such name is listed here.
    unhandled = {event for event, subs in outbox.subscription_map().items() if not subs}
    assert unhandled <= ALLOWED_UNHANDLED, sorted(unhandled - ALLOWED_UNHANDLED)


ALLOWED_UNHANDLED: set[str] = set()
