"""An inbox note and a saved reply sent twice are added once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from communities.models import InboxNote, SavedReply
from tests.communities.inbox.conftest import open_for_post, write_post
from tests.support.forms import with_key

pytestmark = pytest.mark.django_db


def test_inbox_note_sent_twice_is_added_once(client, moderator, community, member):
    item = open_for_post(write_post(member, community))
    client.force_login(moderator)
    path = reverse("communities:inbox_note_add", kwargs={"pk": item.pk})
    data = with_key(body="Checked")
    answers = [client.post(path, data) for _ in range(2)]
    assert [a.status_code for a in answers] == [302, 302]
    assert InboxNote.objects.get().body == "Checked"
    item.refresh_from_db()
    assert item.note_count == 1
    page = client.post(path, {"body": "No key"}, follow=True).content.decode()
    assert "This form is out of date or was changed." in page and InboxNote.objects.count() == 1


def test_saved_reply_sent_twice_is_saved_once(client, manager, community):
    client.force_login(manager)
    page = reverse("communities:saved_reply_list")
    data = with_key(title="Hello", body_du="Hallo", community=community.pk)
    answers = [client.post(page, data) for _ in range(2)]
    assert [a.status_code for a in answers] == [302, 302]
    assert SavedReply.objects.count() == 1
