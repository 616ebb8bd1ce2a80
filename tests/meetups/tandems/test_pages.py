"""Tandem pages: flows through the views, denials, and pinned size-independent query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from intranet.core.models import AuditEntry
from meetups.models import Tandem, TandemMeeting, TandemSuggestion
from meetups.tandems import services
from tests.communities.factories import MembershipFactory
from tests.factories import UserFactory
from tests.meetups.tandem_helpers import make_community, owner_of
from tests.support.forms import with_key
from tests.support.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

#: User, role map, model permissions, community, suggestions (one query), partners.
SUGGESTIONS_PAGE_QUERIES = 5
#: User, tandem with both sides, role map, meetings (a side's manager needs no coordinator check).
DETAIL_PAGE_QUERIES = 4
#: User, role map, model permissions, tandems page, managed communities.
LIST_PAGE_QUERIES = 4
#: User, pairs page (staff coordinate everything: no role map, no permission query).
BULK_PAGE_QUERIES = 2


@pytest.fixture
def home():
    return make_community("Solar home", tags=("solar", "energy"), description="Solar panels on roofs")


def test_suggestions_page_pinned_and_constant(home, client):
    client.force_login(owner_of(home))
    url = reverse("meetups:tandem_suggestions", kwargs={"slug": home.slug})

    def add(n: int) -> None:
        for i in range(n):
            make_community(f"Solar friend {TandemSuggestion.objects.count()} {i}", tags=("solar",), description="roofs")
        services.tandem_suggestions_refresh([home.pk])

    def action() -> None:
        response = client.get(url)
        assert response.status_code == 200

    assert_constant_queries(add_rows=add, action=action, small=1, large=5, expected=SUGGESTIONS_PAGE_QUERIES)
    assert "Propose tandem" in client.get(url).content.decode()


def test_suggestions_page_is_404_for_employees(home, client):
    client.force_login(UserFactory.create())
    assert client.get(reverse("meetups:tandem_suggestions", kwargs={"slug": home.slug})).status_code == 404


def _active_tandem(home):
    other = make_community("Solar other", tags=("solar",))
    tandem = services.tandem_propose(actor=owner_of(home), community=home, other=other)
    return services.tandem_accept(actor=owner_of(other), tandem=tandem)


def test_detail_page_pinned_and_constant(home, client):
    tandem = _active_tandem(home)
    client.force_login(owner_of(home))
    url = reverse("meetups:tandem_detail", kwargs={"pk": tandem.pk})

    def add(n: int) -> None:
        for _ in range(n):
            services.tandem_meeting_log(actor=owner_of(home), tandem=tandem, date=timezone.localdate(), notes="*notes*")

    def action() -> None:
        assert client.get(url).status_code == 200

    assert_constant_queries(add_rows=add, action=action, small=1, large=6, expected=DETAIL_PAGE_QUERIES)


def test_list_page_pinned_and_constant(home, client):
    client.force_login(owner_of(home))
    url = reverse("meetups:tandem_list")

    def add(n: int) -> None:
        for i in range(n):
            other = make_community(f"Partner {Tandem.objects.count()} {i}")
            services.tandem_propose(actor=owner_of(home), community=home, other=other)

    def action() -> None:
        assert client.get(url).status_code == 200

    assert_constant_queries(add_rows=add, action=action, small=1, large=6, expected=LIST_PAGE_QUERIES)


def test_bulk_page_pinned_and_constant(client):
    coordinator = UserFactory.create(is_staff=True)
    client.force_login(coordinator)
    url = reverse("meetups:tandem_bulk")

    def add(n: int) -> None:
        for i in range(n):
            topic = f"topic{TandemSuggestion.objects.count()}x{i}"
            make_community(f"{topic} a", tags=(topic,))
            make_community(f"{topic} b", tags=(topic,))
        services.tandem_suggestions_refresh()

    def action() -> None:
        assert client.get(url).status_code == 200

    assert_constant_queries(add_rows=add, action=action, small=1, large=6, expected=BULK_PAGE_QUERIES)


def test_propose_accept_log_and_share_through_the_views(home, client):
    other = make_community("Solar twin", tags=("solar", "energy"), description="Solar panels on roofs")
    services.tandem_suggestions_refresh()
    client.force_login(owner_of(home))
    response = client.post(reverse("meetups:tandem_propose", kwargs={"slug": home.slug}), with_key(other=other.slug))
    tandem = Tandem.objects.get()
    assert response.status_code == 302 and response.url == tandem.get_absolute_url()
    assert tandem.reasons and tandem.score > 0

    client.force_login(owner_of(other))
    page = client.get(tandem.get_absolute_url()).content.decode()
    assert "Accept for Solar twin" in page
    client.post(reverse("meetups:tandem_accept", kwargs={"pk": tandem.pk}))
    tandem.refresh_from_db()
    assert tandem.state == Tandem.State.ACTIVE

    meeting_url = reverse("meetups:tandem_meeting_create", kwargs={"pk": tandem.pk})
    future = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    response = client.post(meeting_url, with_key(date=future, notes="x"))
    assert response.status_code == 400 and "Log meetings that have taken place" in response.content.decode()
    response = client.post(meeting_url, with_key(date=timezone.localdate().isoformat(), notes="We met."))
    assert response.status_code == 302 and TandemMeeting.objects.count() == 1

    learnings_url = reverse("meetups:tandem_learnings", kwargs={"pk": tandem.pk})
    client.post(learnings_url, {"learnings": "**Share** early", "share": "1"})
    member = UserFactory.create()
    MembershipFactory.create(user=member, community=home)
    client.force_login(member)
    page = client.get(tandem.get_absolute_url()).content.decode()
    assert "<strong>Share</strong>" in page and "We met." not in page  # learnings yes, meeting notes no


def test_denied_transitions_through_views_change_nothing(home, client):
    tandem = services.tandem_propose(actor=owner_of(home), community=home, other=make_community("Other"))
    before = (list(Tandem.objects.values()), AuditEntry.objects.count())
    client.force_login(UserFactory.create())  # an employee: cannot even see it
    assert client.post(reverse("meetups:tandem_accept", kwargs={"pk": tandem.pk})).status_code == 404
    client.force_login(UserFactory.create(is_staff=True))  # a coordinator sees it but does not accept
    assert client.post(reverse("meetups:tandem_accept", kwargs={"pk": tandem.pk})).status_code == 403
    assert (list(Tandem.objects.values()), AuditEntry.objects.count()) == before


def test_bulk_post_proposes_selected_pairs(client):
    a = make_community("Bulk a", tags=("bulk",))
    b = make_community("Bulk b", tags=("bulk",))
    services.tandem_suggestions_refresh()
    suggestion = TandemSuggestion.objects.get(community=a, other=b)
    client.force_login(UserFactory.create(is_staff=True))
    url = reverse("meetups:tandem_bulk")
    assert client.post(url, {"message": ""}).status_code == 200  # nothing selected: stays with an error
    response = client.post(url, {"suggestion": [suggestion.pk], "message": "Please meet"})
    assert response.status_code == 302
    tandem = Tandem.objects.get()
    assert tandem.message == "Please meet" and tandem.state == Tandem.State.PROPOSED
