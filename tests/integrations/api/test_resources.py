"""People, notifications, training sessions, meetups and the coordinators' figures through the
API: the same answers as their pages, private things 404, and constant query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from communities.health.models import CommunityDayFigures
from communities.models import CoordinatorScope, Membership
from intranet.notifications.models import Notification
from tests.communities.factories import CommunityFactory, MembershipFactory
from tests.factories import UserFactory
from tests.integrations.api.conftest import api_as
from tests.meetups.factories import SeriesFactory, make_event
from tests.support.queries import assert_constant_queries
from tests.training.factories import ProgrammeFactory, SessionFactory

pytestmark = pytest.mark.django_db


def _note(recipient, n: int) -> Notification:  # type: ignore[no-untyped-def]
    return Notification.objects.create(
        recipient=recipient, kind="post.created", event_key=f"k{n}-{recipient.pk}", url="/", params={}, delivery="app"
    )


def test_people_search_and_profile(user) -> None:
    UserFactory.create(display_name="Jürgen Groß")
    api = api_as(user)
    found = api.get("/people", q="Juergen")
    assert found.status_code == 200
    handle = found.json()["items"][0]["handle"]
    assert api.get(f"/people/{handle}").json()["name"] == "Jürgen Groß"
    gone = UserFactory.create(is_active=False)
    assert api.get(f"/people/{gone.handle}").status_code == 404


def test_people_directory_is_constant(user) -> None:
    api = api_as(user)
    assert_constant_queries(
        add_rows=lambda n: [UserFactory.create() for _ in range(n)],
        action=lambda: api.get("/people"),
        expected=3,
    )


def test_notifications_are_ones_own(user, other_user) -> None:
    mine, theirs = _note(user, 1), _note(other_user, 2)
    api = api_as(user)
    listed = api.get("/notifications").json()["items"]
    assert [n["id"] for n in listed] == [mine.pk]
    assert api.send("POST", f"/notifications/{theirs.pk}/read").status_code == 404
    read = api.send("POST", f"/notifications/{mine.pk}/read")
    assert read.status_code == 200 and read.json()["read"] is True
    _note(user, 3)
    assert api.send("POST", "/notifications/read-all").json() == {"marked": 1}
    assert api.get("/notifications", unread="true").json()["items"] == []


def test_notification_list_is_constant(user) -> None:
    api = api_as(user)
    counter = iter(range(100))
    assert_constant_queries(
        add_rows=lambda n: [_note(user, next(counter)) for _ in range(n)],
        action=lambda: api.get("/notifications"),
        expected=2,
    )


def test_training_sessions_book_and_cancel(user) -> None:
    session = SessionFactory.create(capacity=1)
    hidden = SessionFactory.create(programme=ProgrammeFactory.create(published=False))
    api = api_as(user)
    listed = [s["id"] for s in api.get("/training/sessions").json()["items"]]
    assert session.pk in listed and hidden.pk not in listed
    assert api.send("POST", f"/training/sessions/{hidden.pk}/booking").status_code == 404
    booked = api.send("POST", f"/training/sessions/{session.pk}/booking")
    assert booked.status_code == 201 and booked.json()["status"] == "booked"
    waiting = api_as(UserFactory.create()).send("POST", f"/training/sessions/{session.pk}/booking")
    assert waiting.json()["status"] == "waitlisted" and waiting.json()["waitlist_position"] == 1
    assert api.get("/training/sessions").json()["items"][0]["my_booking"] == "booked"
    assert api.send("DELETE", f"/training/sessions/{session.pk}/booking").status_code == 204
    assert api.send("DELETE", f"/training/sessions/{session.pk}/booking").status_code == 404


def test_training_list_is_constant(user) -> None:
    api = api_as(user)
    assert_constant_queries(
        add_rows=lambda n: [SessionFactory.create() for _ in range(n)],
        action=lambda: api.get("/training/sessions"),
        expected=4,
    )


def test_meetups_list_and_rsvp(user) -> None:
    event = make_event(SeriesFactory.create(), starts_at=timezone.now() + dt.timedelta(days=3))
    api = api_as(user)
    assert event.pk in [e["id"] for e in api.get("/meetups").json()["items"]]
    answer = api.send("PUT", f"/meetups/{event.pk}/rsvp", {"status": "going"})
    assert answer.status_code == 200 and answer.json()["status"] == "going"
    assert api.get("/meetups").json()["items"][0]["my_rsvp"] == "going"
    assert api.send("PUT", "/meetups/999999/rsvp", {"status": "going"}).status_code == 404


def test_meetup_list_is_constant(user) -> None:
    api = api_as(user)
    soon = timezone.now() + dt.timedelta(days=3)
    assert_constant_queries(
        add_rows=lambda n: [make_event(SeriesFactory.create(), starts_at=soon) for _ in range(n)],
        action=lambda: api.get("/meetups"),
        expected=4,
    )


def test_figures_for_coordinators_only_with_small_groups_masked(user, settings) -> None:
    community = CommunityFactory.create()
    CommunityDayFigures.objects.create(
        community=community, day=timezone.localdate() - dt.timedelta(days=1), members=40, joins=2, posts=7
    )
    coordinator = UserFactory.create(is_staff=True)
    figures = api_as(coordinator).get(f"/communities/{community.slug}/figures")
    assert figures.status_code == 200, figures.content
    day = figures.json()["days"][0]
    assert day["members"] == 40 and day["joins"] is None and day["posts"] == 7
    assert day["manager_actions"] == 0
    settings.PRIVACY_PERSON_FIGURES = False
    assert (
        api_as(coordinator).get(f"/communities/{community.slug}/figures").json()["days"][0]["manager_actions"] is None
    )
    manager = UserFactory.create()
    MembershipFactory.create(user=manager, community=community, role=Membership.Role.MANAGER)
    assert api_as(manager).get(f"/communities/{community.slug}/figures").status_code == 403
    assert api_as(user).get(f"/communities/{community.slug}/figures").status_code == 404
    scoped_out = UserFactory.create()
    scoped_out.user_permissions.add(
        Permission.objects.get(codename="coordinate", content_type__app_label="communities")
    )
    CoordinatorScope.objects.create(user=scoped_out).communities.set([CommunityFactory.create()])
    assert api_as(scoped_out).get(f"/communities/{community.slug}/figures").status_code == 404
