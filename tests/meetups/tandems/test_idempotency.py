"""A tandem proposal sent twice proposes one tandem, and the second answer is the first one's
(not "these two communities already have an open tandem"); a meeting logged twice is logged once."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from meetups.models import Tandem, TandemMeeting
from meetups.tandems import services
from tests.meetups.tandem_helpers import make_community, owner_of
from tests.support.forms import with_key

pytestmark = pytest.mark.django_db


def test_tandem_proposal_sent_twice_proposes_one(client):
    home = make_community("Solar home", tags=("solar", "energy"), description="Solar panels on roofs")
    other = make_community("Solar twin", tags=("solar", "energy"), description="Solar panels on roofs")
    services.tandem_suggestions_refresh()
    client.force_login(owner_of(home))
    url = reverse("meetups:tandem_propose", kwargs={"slug": home.slug})
    data = with_key(other=other.slug)
    answers = [client.post(url, data) for _ in range(2)]
    tandem = Tandem.objects.get()
    assert [a.status_code for a in answers] == [302, 302]
    assert {a["Location"] for a in answers} == {tandem.get_absolute_url()}
    page = client.get(tandem.get_absolute_url()).content.decode()
    assert "already have an open tandem" not in page
    assert client.post(url, {"other": other.slug}).status_code == 400

    client.force_login(owner_of(other))
    client.post(reverse("meetups:tandem_accept", kwargs={"pk": tandem.pk}))
    meeting = with_key(date=timezone.localdate().isoformat(), notes="We met.")
    meeting_url = reverse("meetups:tandem_meeting_create", kwargs={"pk": tandem.pk})
    answers = [client.post(meeting_url, meeting) for _ in range(2)]
    assert [a.status_code for a in answers] == [302, 302]
    assert TandemMeeting.objects.count() == 1
