"""Invitations record outbox events; the mail is their queued subscriber (accounts/notify.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from kombu.exceptions import OperationalError

from intranet.accounts import invitations
from intranet.core import outbox
from intranet.core.models import OutboxEvent

pytestmark = pytest.mark.django_db


def test_subscribers_and_when_they_run():
    subs = outbox.subscription_map()
    for event in ("invitation.created", "invitation.resent"):
        assert subs[event] == [("accounts.invitations.send_mail", "queued")]


def test_the_invitation_and_its_event_commit_together(staff_user):
    invitation = invitations.invitation_create(actor=staff_user, email="new@partner.example")
    assert [e.payload for e in OutboxEvent.objects.filter(name="invitation.created")] == [
        {"invitation_id": invitation.pk}
    ]


def test_a_broker_outage_delays_the_mail_and_loses_nothing(
    staff_user, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    def broker_down(event_id: int, sub: outbox.Subscriber) -> None:
        raise OperationalError("broker down")

    monkeypatch.setattr(outbox, "_eager", lambda: False)  # a real broker, not Celery's inline mode
    monkeypatch.setattr(outbox, "_send", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitations.invitation_create(actor=staff_user, email="new@partner.example")
    assert mailoutbox == []
    assert outbox.pending_count() == 1
    monkeypatch.undo()
    assert outbox.relay_pending(older_than=timedelta(0)) == 1
    assert [m.to for m in mailoutbox] == [["new@partner.example"]]
    event = OutboxEvent.objects.get(name="invitation.created", payload__invitation_id=invitation.pk)
    assert outbox.deliver(event.pk, "accounts.invitations.send_mail") is False
    assert len(mailoutbox) == 1
